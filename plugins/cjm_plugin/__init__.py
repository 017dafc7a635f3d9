"""cjm: customer journey maps as code.

The core (model, load, catalog, pages, diagrams) never imports MkDocs; only
``plugin.py`` does, so the same maps can be published by other engines.
"""

__version__ = "0.1.0"
