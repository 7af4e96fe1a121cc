# Shared checks for the scripts: what must be installed, and how to get it on Debian.

require_dotnet() {
  if ! command -v dotnet >/dev/null 2>&1; then
    echo "error: the .NET SDK (dotnet) is not on PATH. Install .NET 10 (https://dot.net) and run again." >&2
    exit 1
  fi
}
