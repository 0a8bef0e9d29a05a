"""What every REST resource is built from: the base class (base.py), the OpenAPI
post-processing (openapi.py) and the error answers (messages.py).  The resources live in
their feature packages (app/<feature>/resources.py) and are registered by app/views/menu.py."""
