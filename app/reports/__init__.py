"""Reports and the dashboard: statistics computed by the database, scoped to the user.

``definitions.REPORTS`` holds the reports; ``dashboard.dashboard_data`` the dashboard's JSON;
``screens`` and ``resources`` serve them as pages, exports (CSV, Excel, PDF) and JSON.
"""
