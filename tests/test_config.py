"""The configuration read from the environment (`config.py`): what production requires,
the defaults on one machine, and how database and rate-limit addresses are read."""

from __future__ import annotations

import pytest

from config import ConfigError, load_config, normalise_database_url


class TestConfiguration:
    def test_production_requires_a_secret_key(self, tmp_path):
        with pytest.raises(ConfigError):
            load_config(tmp_path, env={"SUNSHINE_ENV": "production", "DATABASE_URL": "sqlite://"})

    def test_production_requires_a_database_url(self, tmp_path):
        with pytest.raises(ConfigError):
            load_config(tmp_path, env={"SUNSHINE_ENV": "production", "SECRET_KEY": "x" * 40})

    def test_production_requires_a_calendar_domain_of_its_own(self, tmp_path):
        env = {"SUNSHINE_ENV": "production", "SECRET_KEY": "x" * 40, "DATABASE_URL": "sqlite://"}
        with pytest.raises(ConfigError, match="CALENDAR_UID_DOMAIN"):
            load_config(tmp_path, env=env)
        env["CALENDAR_UID_DOMAIN"] = "sunshine.example.gov.cn"
        assert load_config(tmp_path, env=env)["CALENDAR_UID_DOMAIN"] == "sunshine.example.gov.cn"

    def test_local_secret_key_is_generated_once_and_kept_private(self, tmp_path):
        first = load_config(tmp_path, env={})["SECRET_KEY"]
        second = load_config(tmp_path, env={})["SECRET_KEY"]
        assert first == second and len(first) >= 32
        assert (tmp_path / "secret_key").stat().st_mode & 0o077 == 0

    def test_defaults_are_sqlite_under_instance_and_shanghai(self, tmp_path):
        config = load_config(tmp_path, env={})
        assert config["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{tmp_path / 'sunshine.sqlite3'}"
        assert config["OFFICE_TIMEZONE"] == "Asia/Shanghai"
        assert config["RATELIMIT_STORAGE_URI"] == "memory://"

    def test_redis_url_switches_the_rate_limit_storage(self, tmp_path):
        config = load_config(tmp_path, env={"REDIS_URL": "redis://127.0.0.1:6379/0"})
        assert config["RATELIMIT_STORAGE_URI"] == "redis://127.0.0.1:6379/0"

    def test_unknown_time_zone_is_refused(self, tmp_path):
        with pytest.raises(ConfigError):
            load_config(tmp_path, env={"OFFICE_TIMEZONE": "Mars/Olympus"})

    def test_postgres_urls_use_psycopg3(self):
        assert normalise_database_url("postgres://u@h/d") == "postgresql+psycopg://u@h/d"
        assert normalise_database_url("postgresql://u@h/d") == "postgresql+psycopg://u@h/d"
        assert normalise_database_url("sqlite:///x") == "sqlite:///x"
