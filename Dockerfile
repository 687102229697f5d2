# syntax=docker/dockerfile:1
# movierec: the HTTP API (default command) and the Celery worker (`movierec worker`).
# Build: docker build -t movierec .      Run: see docker-compose.yml and docs/operations.md

# --- build stage: wheels for movierec and every dependency -------------------------------
FROM python:3.11-slim-bookworm AS build
WORKDIR /src
COPY pyproject.toml README.md CHANGELOG.md ./
COPY movierec ./movierec
COPY cli ./cli
COPY server ./server
RUN pip wheel --no-cache-dir --wheel-dir /wheels ".[worker]"

# --- runtime stage: no compilers, no sources, a non-root user ----------------------------
FROM python:3.11-slim-bookworm AS runtime
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    MOVIEREC_DATA_DIR=/var/lib/movierec \
    MOVIEREC_CONFIG_DIR=/etc/movierec \
    MOVIEREC_LOG_FORMAT=json
RUN groupadd --system --gid 10001 movierec \
    && useradd --system --uid 10001 --gid movierec --no-create-home --shell /usr/sbin/nologin movierec \
    && mkdir -p /var/lib/movierec /etc/movierec \
    && chown movierec:movierec /var/lib/movierec
COPY --from=build /wheels /wheels
RUN pip install --no-cache-dir --no-index /wheels/*.whl && rm -rf /wheels
WORKDIR /var/lib/movierec
USER 10001:10001
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
    CMD ["python", "-c", "import sys, urllib.request; sys.exit(urllib.request.urlopen('http://127.0.0.1:8000/health', timeout=4).status != 200)"]
CMD ["movierec", "serve", "--host", "0.0.0.0", "--port", "8000"]
