# syntax=docker/dockerfile:1
# Build stage: build the wheel (includes migrations as credex/_migrations).
FROM python:3.11-slim AS build
WORKDIR /src
RUN pip install --no-cache-dir build
COPY pyproject.toml README.md ./
COPY src ./src
COPY migrations ./migrations
RUN python -m build --wheel --outdir /dist

# Runtime stage: only the installed wheel, a non-root user, migrations applied on start.
FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 \
    CREDEX_ENV=production CREDEX_WORKERS=2 \
    CREDEX_DATABASE_URL=sqlite:////data/credex.db
RUN useradd --create-home --uid 10001 credex && mkdir /data && chown credex /data
COPY --from=build /dist/*.whl /tmp/
RUN pip install --no-cache-dir /tmp/*.whl && rm /tmp/*.whl
USER credex
WORKDIR /data
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=3s --start-period=20s --retries=3 \
  CMD python -c "import urllib.request,sys; sys.exit(0 if urllib.request.urlopen('http://127.0.0.1:8000/ready', timeout=2).status == 200 else 1)"
# `credex serve` applies migrations before starting the workers; CREDEX_WORKERS sets how many.
CMD ["sh", "-c", "exec credex serve --host 0.0.0.0 --port 8000 --workers ${CREDEX_WORKERS}"]
