# The two commands: `make demo` and `make test`. Both create .venv and install pinned deps.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
OUT := out
SAMPLE := data/sample
DEMO_PORT ?= 8765
DEMO_URL := http://127.0.0.1:$(DEMO_PORT)

.PHONY: demo test lint bench clean

$(STAMP): pyproject.toml constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c constraints.txt -e '.[dev]'
	touch $(STAMP)

demo: $(STAMP)
	mkdir -p $(OUT)
	$(BIN)/wfm data validate $(SAMPLE)
	$(BIN)/wfm forecast --history $(SAMPLE)/history.parquet --center $(SAMPLE)/center.yaml \
	  --drivers $(SAMPLE)/drivers.csv --events $(SAMPLE)/events.csv --horizon 1w \
	  --out $(OUT)/forecast.csv
	$(BIN)/wfm staff --input $(OUT)/forecast.csv --center $(SAMPLE)/center.yaml \
	  --out $(OUT)/requirements.csv
	$(BIN)/wfm staff --input $(SAMPLE)/history.parquet --center $(SAMPLE)/center.yaml \
	  --last-week --out $(OUT)/requirements_last_week.parquet
	$(BIN)/wfm adherence --schedule $(SAMPLE)/schedule.parquet --states $(SAMPLE)/states.parquet \
	  --roster $(SAMPLE)/roster.csv --center $(SAMPLE)/center.yaml --out $(OUT)/adherence
	$(BIN)/wfm schedule --requirements $(OUT)/requirements.csv --roster $(SAMPLE)/roster.csv \
	  --center $(SAMPLE)/center.yaml --week 2026-11-16 --previous $(SAMPLE) --time-limit 60 \
	  --out $(OUT)/schedule
	$(BIN)/wfm simulate --schedule $(OUT)/schedule/schedule.parquet --arrivals $(OUT)/forecast.csv \
	  --center $(SAMPLE)/center.yaml --roster $(SAMPLE)/roster.csv --replications 10 --life \
	  --out $(OUT)/simulation
	$(BIN)/wfm service up $(SAMPLE) --port $(DEMO_PORT) --data-dir $(OUT)/service
	$(BIN)/wfm service publish $(OUT)/schedule --url $(DEMO_URL) \
	  --key-file $(OUT)/service/keys/wfm-planner.key
	$(BIN)/wfm service realtime --url $(DEMO_URL) \
	  --key-file $(OUT)/service/keys/supervisor-pharmacy.key --at 2026-11-12T11:00
	$(BIN)/wfm service down --data-dir $(OUT)/service

test: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/python -m pytest -q

bench: $(STAMP)
	$(BIN)/python -m pip install --quiet -c constraints.txt -e '.[dev,bench]'
	$(BIN)/python bench/run_all.py

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

clean:
	rm -rf $(VENV) $(OUT)
