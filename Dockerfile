# Konvensi: the API, served by uvicorn workers. No Docker engine runs on the build machines;
# this file is kept simple and is checked by reading it.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    KONVENSI_DATABASE_URL=sqlite:////data/konvensi.db \
    KONVENSI_WORKERS=2

WORKDIR /srv/konvensi
COPY pyproject.toml README.md ./
COPY app ./app
COPY scoring ./scoring
COPY migrations ./migrations
RUN pip install . \
    && useradd --create-home --uid 10001 konvensi \
    && mkdir -p /data && chown konvensi /data

USER konvensi
VOLUME ["/data"]
EXPOSE 8000

HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
    CMD ["python", "-c", "import sys, urllib.request; sys.exit(urllib.request.urlopen('http://127.0.0.1:8000/health', timeout=4).status != 200)"]

# KONVENSI_SECRET_KEY must be set (the same on every host); serve refuses to start without it.
CMD ["sh", "-c", "konvensi migrate && exec konvensi serve --host 0.0.0.0 --port 8000 --workers \"$KONVENSI_WORKERS\""]
