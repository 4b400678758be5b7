"""``gk serve``: a local web front end; it parses requests, calls the core and renders HTML."""
