"""Writes of the events app, one module per concern (events, participation, meetings,
scheduling, roadshow, check-in, introduction rounds). Every service takes keyword-only typed
arguments, checks who acts, validates, runs in a transaction and raises core.errors types;
refused input changes nothing."""
