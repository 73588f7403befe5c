"""HTML pages of matching: the sides' candidates and matches (sides.py) and the officers' match
queue and dashboard (officer.py). Each view's docstring says who may see it."""
