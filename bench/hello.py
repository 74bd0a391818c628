"""The ceiling: a bare Flask app with one route, served with the same gunicorn settings as
Sunshine, so every page's throughput is read as a share of what the stack itself allows."""

from flask import Flask

app = Flask(__name__)


@app.get("/hello")
def hello() -> str:
    return "Hello, World!"
