"""Extensions created once and bound to each app in ``create_app``.

AppBuilder is deliberately NOT created here: a module-level AppBuilder cannot be bound to a
second app in the same process (tests build many apps), so ``create_app`` builds one per app.
"""

from flask_appbuilder.utils.legacy import get_sqla_class
from flask_migrate import Migrate
from flask_wtf.csrf import CSRFProtect

db = get_sqla_class()()
migrate = Migrate()

# CSRF on every unsafe request made with the session cookie (see app/web.py).
csrf = CSRFProtect()
