# syntax=docker/dockerfile:1
# The newswatch application image: one image, the command picks the process
#   docker run IMAGE worker | connectors | topics | store ...   (see docker-compose.yml)
# Build: docker build -t newswatch:local .
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    VIRTUAL_ENV=/opt/newswatch \
    PATH=/opt/newswatch/bin:$PATH

RUN useradd --system --uid 10001 --home-dir /app --shell /usr/sbin/nologin newswatch \
 && python -m venv /opt/newswatch

WORKDIR /app
# Dependencies first, so code changes do not reinstall them.
COPY pyproject.toml README.md ./
RUN mkdir -p streams connectors alerts \
 && touch streams/__init__.py connectors/__init__.py alerts/__init__.py \
 && pip install '.[rocksdb]' \
 && pip uninstall -y newswatch \
 && rm -rf streams connectors alerts build *.egg-info

# The code, installed in place: data files beside the modules (gazetteer, SQL migrations, page assets)
# are read from the source tree.
COPY streams ./streams
COPY connectors ./connectors
COPY alerts ./alerts
RUN pip install --no-deps -e . \
 && mkdir -p /app/var/worker /app/var/connectors /app/var/alerts /app/var/spool \
 && chown -R newswatch:newswatch /app/var

USER newswatch
# worker /metrics, connector /metrics, store API + /metrics, Faust web
EXPOSE 9108 9109 8088 6066
ENTRYPOINT ["newswatch"]
CMD ["worker"]
