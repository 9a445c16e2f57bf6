# The holdshelf pipeline as a container: the runnable jar, its libraries and the route files.
FROM maven:3.9-eclipse-temurin-17 AS build
WORKDIR /src
COPY pom.xml .
RUN mvn -B -q dependency:go-offline
COPY src src
RUN mvn -B -q -DskipTests package

FROM eclipse-temurin:17-jre
# curl for the healthcheck on /q/health (docker-compose.yml): the Temurin images no longer promise it
RUN apt-get update && apt-get install -y --no-install-recommends curl && rm -rf /var/lib/apt/lists/* \
    && useradd --system --uid 10001 --home-dir /app holdshelf
WORKDIR /app
COPY --from=build /src/target/holdshelf.jar /app/holdshelf.jar
COPY --from=build /src/target/lib /app/lib
# Route files are read from ./routes (holdshelf.routes.dir) and notice templates from ./templates
# (holdshelf.notices.templates-dir); operators may mount their own.
COPY routes /app/routes
COPY templates /app/templates
RUN mkdir -p /app/reports /app/data && chown holdshelf /app/reports /app/data
USER holdshelf
VOLUME ["/app/reports"]
ENV JAVA_OPTS="-Xmx512m" \
    HOLDSHELF_REPORTS_DIR=/app/reports
ENTRYPOINT ["sh", "-c", "exec java $JAVA_OPTS -jar /app/holdshelf.jar \"$@\"", "--"]
