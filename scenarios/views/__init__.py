"""HTML pages of the listings: public (public.py), the owners' workspace (workspace.py) and the
officers' review queue (review.py). Each view's docstring says who may see it."""
