# newsflow worker image: the wheel built from this repository, installed at build time
# (exactly what tests/integration/test_wheel.py does in a fresh virtual environment).
FROM python:3.11-slim AS build
WORKDIR /src
COPY pyproject.toml README.md ./
COPY pipeline/ pipeline/
COPY agents/ agents/
COPY schemas/ schemas/
RUN python -m pip wheel --no-cache-dir --no-deps -w /wheels .

FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 NEWSFLOW_DATA_DIR=/data
RUN useradd --create-home --uid 10001 newsflow && mkdir /data && chown newsflow /data
COPY --from=build /wheels /wheels
RUN python -m pip install --no-cache-dir /wheels/*.whl && rm -rf /wheels
USER newsflow
WORKDIR /home/newsflow
VOLUME ["/data"]
ENTRYPOINT ["newsflow"]
CMD ["run"]
