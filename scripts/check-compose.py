"""Checks docker-compose.yml and the Dockerfiles it builds, as far as a machine without Docker can.

Run with a python3 that has PyYAML (Debian: python3-yaml): /usr/bin/python3 scripts/check-compose.py
Checks: the YAML parses; the services the suite needs are there; nothing fixes a container_name (it would stop
`--scale`); every depends_on names a service, and one waited on as service_healthy has a health check; every
service has a health check; each build's Dockerfile exists, starts from the agreed images, runs as a non-root
user and copies only paths that exist and that .dockerignore does not drop; each .NET service's ports, health
check and Mappa__ settings agree with each other.
"""
import fnmatch
import re
import sys
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parent.parent
REQUIRED_SERVICES = {"postgres", "rabbitmq", "riskassessment", "caseconference", "scheduling"}
DOTNET_SERVICES = {"riskassessment": (5101, 8101), "caseconference": (5102, 8102), "scheduling": (5103, 8103)}
REQUIRED_SETTINGS = [
    "Mappa__Database__Provider", "Mappa__Database__ConnectionString", "Mappa__Bus__Transport",
    "Mappa__Bus__RabbitMq__Host", "Mappa__Bus__RabbitMq__Port", "Mappa__Bus__RabbitMq__VirtualHost",
    "Mappa__Bus__RabbitMq__Username", "Mappa__Bus__RabbitMq__Password", "Mappa__Grpc__Port", "Mappa__Http__Port",
    "Mappa__Auth__Issuer", "Mappa__Auth__Audience", "Mappa__Auth__SigningKeys__0__KeyId",
    "Mappa__Auth__SigningKeys__0__Algorithm", "Mappa__Auth__SigningKeys__0__PublicKeyPem",
    "Mappa__Services__RiskAssessment", "Mappa__Services__CaseConference", "Mappa__Services__Scheduling",
]

problems: list[str] = []


def problem(message: str) -> None:
    problems.append(message)


def environment_of(service: dict) -> dict:
    env = service.get("environment") or {}
    if isinstance(env, list):
        env = dict(item.split("=", 1) if "=" in item else (item, None) for item in env)
    return env


def healthcheck_text(service: dict) -> str:
    test = (service.get("healthcheck") or {}).get("test")
    return " ".join(test) if isinstance(test, list) else str(test or "")


def dockerignore_patterns() -> list[str]:
    path = REPO / ".dockerignore"
    if not path.exists():
        return []
    lines = (line.strip() for line in path.read_text().splitlines())
    return [line.rstrip("/") for line in lines if line and not line.startswith("#")]


def ignored(relative: str, patterns: list[str]) -> bool:
    relative = relative.rstrip("/")
    parts = relative.split("/")
    for pattern in patterns:
        if pattern.startswith("!"):
            continue
        bare = pattern[3:] if pattern.startswith("**/") else None
        for depth in range(1, len(parts) + 1):
            prefix = "/".join(parts[:depth])
            if fnmatch.fnmatch(prefix, pattern):
                return True
            if bare is not None and any(fnmatch.fnmatch(p, bare) for p in parts[:depth]):
                return True
    return False


def check_dockerfile(name: str, context: Path, dockerfile: Path) -> None:
    if not dockerfile.is_file():
        problem(f"{name}: Dockerfile {dockerfile.relative_to(REPO)} does not exist")
        return
    text = re.sub(r"\\\n", " ", dockerfile.read_text())
    instructions = [line.strip() for line in text.splitlines() if line.strip() and not line.strip().startswith("#")]
    images = [line.split()[1] for line in instructions if line.upper().startswith("FROM ")]
    if not images or images[0] != "mcr.microsoft.com/dotnet/sdk:10.0" or images[-1] != "mcr.microsoft.com/dotnet/aspnet:10.0":
        problem(f"{name}: expected a multi-stage build from dotnet/sdk:10.0 to dotnet/aspnet:10.0, found {images}")
    final_stage = instructions[max(i for i, line in enumerate(instructions) if line.upper().startswith("FROM ")):]
    users = [line.split()[1] for line in final_stage if line.upper().startswith("USER ")]
    if not users or users[-1] in ("root", "0"):
        problem(f"{name}: the runtime stage must switch to a non-root USER")
    patterns = dockerignore_patterns()
    for line in instructions:
        words = line.split()
        if words[0].upper() not in ("COPY", "ADD") or any(w.startswith("--from") for w in words):
            continue
        sources = [w for w in words[1:-1] if not w.startswith("--")]
        for source in sources:
            if not (context / source).exists():
                problem(f"{name}: {dockerfile.name} copies {source}, which does not exist in the build context")
            elif ignored(source, patterns):
                problem(f"{name}: {dockerfile.name} copies {source}, which .dockerignore leaves out")
    if "ENTRYPOINT" not in text:
        problem(f"{name}: {dockerfile.name} has no ENTRYPOINT")


def main() -> int:
    compose_path = REPO / "docker-compose.yml"
    try:
        compose = yaml.safe_load(compose_path.read_text())
    except yaml.YAMLError as error:
        print(f"docker-compose.yml does not parse: {error}", file=sys.stderr)
        return 1
    services = compose.get("services") or {}
    for missing in sorted(REQUIRED_SERVICES - services.keys()):
        problem(f"service {missing} is missing")

    for name, service in services.items():
        if "container_name" in service:
            problem(f"{name}: container_name prevents `docker compose up --scale`")
        if not healthcheck_text(service):
            problem(f"{name}: no health check")
        depends = service.get("depends_on") or {}
        for target, rule in (depends.items() if isinstance(depends, dict) else ((d, {}) for d in depends)):
            if target not in services:
                problem(f"{name}: depends on unknown service {target}")
            elif (rule or {}).get("condition") == "service_healthy" and not healthcheck_text(services[target]):
                problem(f"{name}: waits for {target} to be healthy, but {target} has no health check")
        build = service.get("build")
        if build:
            context = REPO / (build if isinstance(build, str) else build.get("context", "."))
            dockerfile = context / ("Dockerfile" if isinstance(build, str) else build.get("dockerfile", "Dockerfile"))
            check_dockerfile(name, context, dockerfile)

    for name, (grpc_port, http_port) in DOTNET_SERVICES.items():
        service = services.get(name)
        if service is None:
            continue
        env = environment_of(service)
        for setting in REQUIRED_SETTINGS:
            if setting not in env:
                problem(f"{name}: setting {setting} is missing")
        if str(env.get("Mappa__Grpc__Port")) != str(grpc_port) or str(env.get("Mappa__Http__Port")) != str(http_port):
            problem(f"{name}: expected gRPC port {grpc_port} and HTTP port {http_port}")
        if f"localhost:{http_port}/healthz" not in healthcheck_text(service):
            problem(f"{name}: the health check must ask http://localhost:{http_port}/healthz")
        if f"Database={name};" not in str(env.get("Mappa__Database__ConnectionString")):
            problem(f"{name}: its connection string must name its own database, {name}")
        depends = service.get("depends_on") or {}
        for infrastructure in ("postgres", "rabbitmq"):
            if (depends.get(infrastructure) or {}).get("condition") != "service_healthy":
                problem(f"{name}: must wait for {infrastructure} to be healthy")
        for other, (other_grpc, _) in DOTNET_SERVICES.items():
            key = "Mappa__Services__" + {"riskassessment": "RiskAssessment", "caseconference": "CaseConference",
                                         "scheduling": "Scheduling"}[other]
            if env.get(key) != f"http://{other}:{other_grpc}":
                problem(f"{name}: {key} must be http://{other}:{other_grpc}")

    postgres_env = environment_of(services.get("postgres", {}))
    databases = set(str(postgres_env.get("MAPPA_DATABASES", "")).split())
    if databases != set(DOTNET_SERVICES):
        problem(f"postgres: MAPPA_DATABASES should create {sorted(DOTNET_SERVICES)}, not {sorted(databases)}")

    if problems:
        for message in problems:
            print(f"docker-compose.yml: {message}", file=sys.stderr)
        return 1
    print(f"docker-compose.yml: {len(services)} services and their Dockerfiles check out")
    return 0


if __name__ == "__main__":
    sys.exit(main())
