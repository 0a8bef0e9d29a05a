"""The landing page after login: where to start, per the firm's menus.

Until the firm's details are set up (a new install without demo data), an admin lands on
/setup/ instead, and everyone else reads that contracts wait for them."""

from flask import g, redirect, url_for
from flask_appbuilder import IndexView, expose

from app.firm.settings import firm_profile


class HomeView(IndexView):
    index_template = "loandesk/index.html"

    @expose("/")
    def index(self):
        firm = None
        if getattr(g, "user", None) is not None and g.user.is_authenticated:
            firm = firm_profile()
            if not firm.set_up and self.appbuilder.sm.has_access("can_write", "FirmSetup"):
                return redirect(url_for("SetupView.index"))
        self.update_redirect()
        return self.render_template(self.index_template, appbuilder=self.appbuilder,
                                    firm=firm)
