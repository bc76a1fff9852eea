"""Checks docker-compose.yml and the Dockerfiles it builds, as far as a machine without Docker can.

Run with a python3 that has PyYAML (Debian: python3-yaml): /usr/bin/python3 scripts/check-compose.py
Checks: the YAML parses; the services the suite needs are there; nothing fixes a container_name (it would stop
`--scale`); every depends_on names a service, and one waited on as service_healthy has a health check; every
service has a health check; each build's Dockerfile exists, starts from the agreed images, runs as a non-root
user and copies only paths that exist and that .dockerignore does not drop; each .NET service's ports, health
check and Mappa__ settings agree with each other.
Against the code: every Mappa__ setting of a .NET service container names a real configuration key (an options
class's section and properties, read from the C# sources), each service's ports are its module's DefaultGrpcPort /
DefaultHttpPort and its Dockerfile's, and health checks ask the path the host maps (/healthz). Scale-out: every
instance of a service (a container built from its Dockerfile) passes the same checks, the consumer queues are
quorum, and the gRPC balancer's nginx configuration sends each service's port to all of its instances over HTTP/2.
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
    "Mappa__Bus__RabbitMq__QueueType",
]
SERVICE_PROJECTS = {"riskassessment": "RiskAssessment", "caseconference": "CaseConference", "scheduling": "Scheduling"}
BALANCER = "grpc-balancer"

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


# --- the services' real configuration, read from the C# sources ------------------------------------------------

def csharp_sources() -> list[Path]:
    return [p for root in ("libs", "services", "hosts") for p in (REPO / root).rglob("*.cs")
            if "/bin/" not in p.as_posix() and "/obj/" not in p.as_posix()]


def options_model() -> tuple[dict, dict]:
    """Classes with their public settable properties, and configuration sections bound to a class."""
    classes: dict[str, dict[str, str]] = {}
    sections: dict[str, str] = {}
    declaration = re.compile(r"\b(?:class|record)\s+(\w+)")
    prop = re.compile(r"public\s+(?!static|const|override)([\w<>\[\]?,. ]+?)\s+(\w+)\s*\{\s*get;\s*(?:set|init);")
    section = re.compile(r'const\s+string\s+Section(?:Name)?\s*=\s*"(Mappa:[^"]+)"')
    for path in csharp_sources():
        text = path.read_text()
        marks = [(m.start(), m.group(1)) for m in declaration.finditer(text)]
        for index, (start, name) in enumerate(marks):
            end = marks[index + 1][0] if index + 1 < len(marks) else len(text)
            body = text[start:end]
            members = classes.setdefault(name, {})
            for m in prop.finditer(body):
                members[m.group(2).lower()] = m.group(1).replace(" ", "")
            for m in section.finditer(body):
                sections[m.group(1).lower()] = name
    return classes, sections


def literal_keys() -> set[str]:
    """Keys read by name, e.g. configuration["Mappa:DataDirectory"]."""
    keys = set()
    for path in csharp_sources():
        for m in re.finditer(r'"(Mappa(?::[A-Za-z]+)+)"', path.read_text()):
            keys.add(m.group(1).lower())
    return keys


def resolves(key: str, classes: dict, sections: dict, literals: set) -> bool:
    parts = key.split(":")
    lowered = key.lower()
    if lowered in literals:
        return True
    # Service addresses: Mappa:Services:<Service> (each service reads the ones it calls).
    if len(parts) == 3 and parts[1] == "Services" and parts[2] in SERVICE_PROJECTS.values():
        return True
    for depth in range(len(parts) - 1, 0, -1):
        root = ":".join(parts[:depth]).lower()
        if root not in sections:
            continue
        type_name, rest = sections[root], parts[depth:]
        while rest:
            members = classes.get(type_name)
            if members is None:
                return False
            member = members.get(rest[0].lower())
            if member is None:
                return False
            rest = rest[1:]
            member = member.rstrip("?")
            element = re.fullmatch(r"(?:List|IList|IReadOnlyList|ICollection)<(\w+)>|(\w+)\[\]", member)
            if element:
                if not rest or not rest[0].isdigit():
                    return False
                rest = rest[1:]
                member = element.group(1) or element.group(2)
            if not rest:
                return True
            type_name = member
        return True
    return False


def module_ports(project: str) -> tuple[int, int] | None:
    path = REPO / "services" / project / f"{project}Module.cs"
    if not path.exists():
        return None
    text = path.read_text()
    grpc = re.search(r"DefaultGrpcPort\s*=\s*(\d+)", text)
    http = re.search(r"DefaultHttpPort\s*=\s*(\d+)", text)
    return (int(grpc.group(1)), int(http.group(1))) if grpc and http else None


def dockerfile_ports(project: str) -> tuple[str, str]:
    text = (REPO / "services" / project / "Dockerfile").read_text()
    grpc = re.search(r"Mappa__Grpc__Port=(\d+)", text)
    http = re.search(r"Mappa__Http__Port=(\d+)", text)
    return (grpc.group(1) if grpc else "", http.group(1) if http else "")


def health_path() -> str:
    found = re.search(r'MapHealthChecks\("([^"]+)"\)', (REPO / "libs/Mappa.Hosting/MappaHost.cs").read_text())
    return found.group(1) if found else ""


def instances_by_project(services: dict) -> dict[str, list[str]]:
    """Containers built from each service's Dockerfile: its instances."""
    found: dict[str, list[str]] = {}
    for name, service in services.items():
        build = service.get("build")
        if not isinstance(build, dict):
            continue
        match = re.fullmatch(r"services/(\w+)/Dockerfile", str(build.get("dockerfile", "")))
        if match:
            found.setdefault(match.group(1), []).append(name)
    return found


def check_against_code(services: dict, compose: dict) -> None:
    classes, sections = options_model()
    literals = literal_keys()
    healthz = health_path()
    if healthz != "/healthz":
        problem(f"the host maps its health endpoint at {healthz!r}, not /healthz")
    instances = instances_by_project(services)
    for compose_name, project in SERVICE_PROJECTS.items():
        ports = module_ports(project)
        if ports is None:
            problem(f"{project}Module.cs has no DefaultGrpcPort / DefaultHttpPort")
            continue
        if ports != DOTNET_SERVICES[compose_name]:
            problem(f"{compose_name}: the module's default ports are {ports}, the compose file uses {DOTNET_SERVICES[compose_name]}")
        if dockerfile_ports(project) != tuple(str(p) for p in ports):
            problem(f"{compose_name}: its Dockerfile's ENV ports {dockerfile_ports(project)} differ from the module's {ports}")
        for name in instances.get(project, []):
            env = environment_of(services[name])
            for key in env:
                if key.startswith("Mappa__") and not resolves(key.replace("__", ":"), classes, sections, literals):
                    problem(f"{name}: {key} is not a configuration key any service reads")
            for setting in REQUIRED_SETTINGS:
                if setting not in env:
                    problem(f"{name}: setting {setting} is missing")
            if str(env.get("Mappa__Grpc__Port")) != str(ports[0]) or str(env.get("Mappa__Http__Port")) != str(ports[1]):
                problem(f"{name}: expected gRPC port {ports[0]} and HTTP port {ports[1]}")
            if f"localhost:{ports[1]}{healthz}" not in healthcheck_text(services[name]):
                problem(f"{name}: the health check must ask http://localhost:{ports[1]}{healthz}")
            if env.get("Mappa__Bus__RabbitMq__QueueType") != "Quorum":
                problem(f"{name}: consumer queues shared by instances must be quorum queues (Mappa__Bus__RabbitMq__QueueType: Quorum)")
            if f"Database={compose_name};" not in str(env.get("Mappa__Database__ConnectionString")):
                problem(f"{name}: its connection string must name its service's database, {compose_name}")
            for other, other_project in SERVICE_PROJECTS.items():
                address = env.get(f"Mappa__Services__{other_project}")
                allowed = {f"https://{other}:{DOTNET_SERVICES[other][0]}", f"https://{BALANCER}:{DOTNET_SERVICES[other][0]}"}
                if address not in allowed:
                    problem(f"{name}: Mappa__Services__{other_project} must be one of {sorted(allowed)}, not {address}")
    check_balancer(services, compose, instances)


def check_balancer(services: dict, compose: dict, instances: dict) -> None:
    balancer = services.get(BALANCER)
    scaled = {project: names for project, names in instances.items() if len(names) > 1}
    if balancer is None:
        if scaled:
            problem(f"services run more than one instance ({sorted(scaled)}) but there is no {BALANCER}")
        return
    configs = [c.get("source") if isinstance(c, dict) else c for c in balancer.get("configs") or []]
    content = "".join(str(((compose.get("configs") or {}).get(c) or {}).get("content", "")) for c in configs)
    if not content:
        problem(f"{BALANCER}: its nginx configuration (configs content) is missing")
        return
    for compose_name, project in SERVICE_PROJECTS.items():
        grpc_port = DOTNET_SERVICES[compose_name][0]
        upstream = re.search(r"upstream\s+" + compose_name + r"\s*\{([^}]*)\}", content)
        servers = set(re.findall(r"server\s+([\w-]+):(\d+)", upstream.group(1))) if upstream else set()
        expected = {(name, str(grpc_port)) for name in instances.get(project, [])}
        if servers != expected:
            problem(f"{BALANCER}: upstream {compose_name} lists {sorted(servers)}, expected every instance {sorted(expected)}")
        server = re.search(r"server\s*\{\s*listen\s+" + str(grpc_port) + r"\s+ssl;\s*http2 on;\s*location\s+/\s*\{\s*grpc_pass\s+grpcs://" + compose_name + r";", content)
        if not server:
            problem(f"{BALANCER}: no HTTP/2 TLS server on {grpc_port} passing gRPC over TLS to upstream {compose_name}")
        if not any(str(p).endswith(f":{grpc_port}") for p in balancer.get("ports") or []):
            problem(f"{BALANCER}: port {grpc_port} is not published")
        depends = balancer.get("depends_on") or {}
        for name in instances.get(project, []):
            if (depends.get(name) or {}).get("condition") != "service_healthy":
                problem(f"{BALANCER}: must wait for {name} to be healthy")
    if not healthcheck_text(balancer):
        problem(f"{BALANCER}: no health check")


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
            if env.get(key) != f"https://{other}:{other_grpc}":
                problem(f"{name}: {key} must be https://{other}:{other_grpc}")
        if not str(env.get("Mappa__Grpc__Tls__CertificatePath") or "").strip():
            problem(f"{name}: its gRPC endpoint must use TLS (Mappa__Grpc__Tls__CertificatePath)")

    check_against_code(services, compose)

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
