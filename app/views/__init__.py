"""What every screen is built from: the generated CRUD base class (base.py) with its listing,
editing and CSV export, the form fields, and the menu table (menu.py)."""
