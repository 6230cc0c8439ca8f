# Konvensi: the API, served by uvicorn workers. No Docker engine runs on the build machines;
# this file is checked by reading it. README.md, "Docker", says how to build and run it.
#
# The base image is pinned to its full tag. Its digest could not be read from the project's
# machines (they reach no container registry); pin it where you build, so that a rebuilt tag
# cannot change the image unseen:
#   docker buildx imagetools inspect python:3.11.15-slim-bookworm   # prints "Digest: sha256:…"
#   FROM python:3.11.15-slim-bookworm@sha256:…
FROM python:3.11.15-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PIP_ROOT_USER_ACTION=ignore \
    KONVENSI_DATABASE_URL=sqlite:////data/konvensi.db \
    KONVENSI_WORKERS=2

RUN useradd --create-home --uid 10001 konvensi \
    && mkdir -p /data && chown konvensi /data

WORKDIR /srv/konvensi

# Dependencies first, exactly as locked and checked by hash: this layer is rebuilt only when
# requirements.lock changes, not at every change of the code.
COPY requirements.lock ./
RUN pip install --require-hashes -r requirements.lock

# Then the code, installed without dependencies (they are all above).
COPY pyproject.toml README.md ./
COPY app ./app
COPY scoring ./scoring
COPY migrations ./migrations
RUN pip install --no-deps . && rm -rf build konvensi.egg-info

USER konvensi
VOLUME ["/data"]
EXPOSE 8000

HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
    CMD ["python", "-c", "import sys, urllib.request; sys.exit(urllib.request.urlopen('http://127.0.0.1:8000/health', timeout=4).status != 200)"]

# Serving only. Migrations are a step of their own, run once per release before the new
# version starts (several containers migrating as they start would race):
#   docker run --rm --env-file konvensi.env konvensi:VERSION konvensi migrate
# serve refuses to start, in one line, on a database that is not at the newest revision.
# KONVENSI_SECRET_KEY must be set (the same on every container); serve refuses to start
# without it. Behind a reverse proxy that is not on 127.0.0.1 (another container, another
# host), set FORWARDED_ALLOW_IPS to the proxy's address or network (e.g. 172.18.0.0/16), or
# every client appears as the proxy and the per-address login limit throttles them all.
# serve runs uvicorn without its "server" header and logs one JSON line per request on stdout.
CMD ["sh", "-c", "exec konvensi serve --host 0.0.0.0 --port 8000 --workers \"$KONVENSI_WORKERS\""]
