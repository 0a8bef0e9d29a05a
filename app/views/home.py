"""The landing page after login: where to start, per the firm's menus."""

from flask_appbuilder import IndexView


class HomeView(IndexView):
    index_template = "loandesk/index.html"
