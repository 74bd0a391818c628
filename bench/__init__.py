"""The load bench: a data generator for ten busy years (`generate.py`, `data/`), the pages it
loads (`pages.py`), a bare Flask ceiling (`hello.py`) and the runner (`run.py`)."""
