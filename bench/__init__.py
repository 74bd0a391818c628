"""The load bench: a data generator for ten busy years (`generate.py`, one step per feature
in `data/`), the pages it loads (`pages.py`), a bare Flask ceiling (`hello.py`), gunicorn
and wrk (`serve.py`), the runner (`run.py`) and its Markdown report (`report.py`)."""
