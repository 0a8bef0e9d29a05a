"""Extensions created once and bound to each app in ``create_app``.

AppBuilder is deliberately NOT created here: a module-level AppBuilder cannot be bound to a
second app in the same process (tests build many apps), so ``create_app`` builds one per app.
"""

from flask_appbuilder.utils.legacy import get_sqla_class
from flask_migrate import Migrate

db = get_sqla_class()()
migrate = Migrate()
