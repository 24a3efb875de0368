"""The web app: the factory (app.py), views, security, htmx helpers, the page cache and the
profile form. Built on the planning pipeline (planner/planning.py) and the store."""
