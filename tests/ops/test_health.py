"""The health check: /health answers 200 with the database up, 503 when it cannot be
opened."""


def test_health_reports_database_ok(client):
    response = client.get("/health")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok", "db": "ok"}


def test_health_reports_database_error_as_503(tmp_path):
    from app import create_app

    # A database that cannot be opened: a path inside a file, not a folder.
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x")
    broken = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{blocker}/db.sqlite"})
    response = broken.test_client().get("/health")
    assert response.status_code == 503
    assert response.get_json() == {"status": "error", "db": "error"}
