# Two entry points for a fresh clone: `make run` and `make test`. Both build .venv first.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: run serve test check bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	# the pip a venv starts with (23.x here) fails to resolve lxml's extras, which two
	# dependencies ask for under two spellings
	$(BIN)/python -m pip install --quiet --disable-pip-version-check 'pip>=24.1'
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[test]'
	touch $(STAMP)

run: $(STAMP)
	$(BIN)/newsmon run

serve: $(STAMP)
	$(BIN)/newsmon serve

test: $(STAMP)
	$(BIN)/python -m pytest

check: test
	$(BIN)/python -m pip install --quiet --disable-pip-version-check 'ruff==0.17.6' 'mypy==2.4.1'
	$(BIN)/ruff check newsmon flows tasks warehouse alerts tests bench
	$(BIN)/mypy --ignore-missing-imports newsmon flows tasks warehouse alerts

bench: $(STAMP)
	$(BIN)/python bench/classify.py
	$(BIN)/python bench/fetch.py
	$(BIN)/python bench/alerts.py
	$(BIN)/python bench/service.py

clean:
	rm -rf $(VENV) warehouse/*.duckdb warehouse/*.duckdb.wal warehouse/*.duckdb.lock
