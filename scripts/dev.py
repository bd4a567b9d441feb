"""Set everything up on first use, then run the program or the whole test suite.

    python3 scripts/dev.py run      # opens the window
    python3 scripts/dev.py test     # runs every test (SQLite and PostgreSQL)

What it does, each step only when needed:
1. creates `.venv/` and installs the project with its dev extras (again when
   pyproject.toml changes);
2. on Debian/Ubuntu, installs the system libraries Qt needs (and, for `test`,
   PostgreSQL, and LibreOffice's headless spreadsheet with poppler for the workbook's
   PDF check) with apt-get when run as root, else prints the command to run;
3. for `test`, starts a throwaway PostgreSQL cluster on loopback so the
   database tests run on both engines, and stops it afterwards.
Only the standard library is used here: this runs before anything is installed.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENV = ROOT / ".venv"
STAMP = VENV / ".installed-from"

# Libraries PySide6's wheels expect from the system (xcb for a real screen,
# EGL/GL and fontconfig for offscreen too).
QT_DEBIAN_PACKAGES = [
    "libegl1",
    "libgl1",
    "libglib2.0-0",
    "libfontconfig1",
    "libfreetype6",
    "libdbus-1-3",
    "libxkbcommon0",
    "libxkbcommon-x11-0",
    "libxcb-cursor0",
    "libxcb-icccm4",
    "libxcb-image0",
    "libxcb-keysyms1",
    "libxcb-randr0",
    "libxcb-render-util0",
    "libxcb-shape0",
    "libxcb-xinerama0",
    "libxcb-xkb1",
    "libxcb-xfixes0",
    "libxrender1",
    "libxi6",
    "libsm6",
    "libice6",
    "libnss3",
    "libxcomposite1",
    "libxdamage1",
    "libxrandr2",
    "libxtst6",
    "libasound2",
]
# PostgreSQL for the database tests; binutils (objcopy) for the packaging test; LibreOffice's
# spreadsheet without its GUI and poppler's pdftoppm/pdftotext for the boss workbook's round
# trip (xlsx → PDF → pages and text: tests/core/reports/test_report_libreoffice.py).
TEST_DEBIAN_PACKAGES = ["postgresql", "binutils", "libreoffice-calc-nogui", "poppler-utils"]
# dpkg's front-end lock, held by apt, unattended-upgrades and installers while they work.
DPKG_LOCK = Path("/var/lib/dpkg/lock-frontend")
APT_LOCK_WAIT_S = 600.0


def say(message: str) -> None:
    print(f"[dev] {message}", file=sys.stderr, flush=True)


def venv_python() -> Path:
    if os.name == "nt":
        return VENV / "Scripts" / "python.exe"
    return VENV / "bin" / "python"


def ensure_venv() -> None:
    """Create the virtual environment and install the project if pyproject changed."""
    wanted = hashlib.sha256((ROOT / "pyproject.toml").read_bytes()).hexdigest()
    if STAMP.exists() and STAMP.read_text().strip() == wanted and venv_python().exists():
        return
    if not venv_python().exists():
        say("creating .venv")
        subprocess.check_call([sys.executable, "-m", "venv", str(VENV)])
    say("installing the project and its dependencies (first run takes a few minutes)")
    pip = [str(venv_python()), "-m", "pip", "install", "--disable-pip-version-check", "-q"]
    subprocess.check_call([*pip, "--upgrade", "pip"])
    subprocess.check_call([*pip, "-e", f"{ROOT}[dev]"])
    STAMP.write_text(wanted)


def is_debian_root() -> bool:
    return (
        sys.platform.startswith("linux")
        and shutil.which("apt-get") is not None
        and shutil.which("dpkg-query") is not None
        and os.geteuid() == 0
    )


def missing_debian_packages(packages: list[str]) -> list[str]:
    missing = []
    for name in packages:
        result = subprocess.run(
            ["dpkg-query", "-W", "-f=${Status}", name], capture_output=True, text=True
        )
        if "install ok installed" not in result.stdout:
            missing.append(name)
    return missing


def ensure_debian_packages(packages: list[str], why: str) -> None:
    if not sys.platform.startswith("linux") or shutil.which("dpkg-query") is None:
        return
    missing = missing_debian_packages(packages)
    if not missing:
        return
    if not is_debian_root():
        say(f"{why} needs: sudo apt-get install -y {' '.join(missing)}")
        return
    say(f"installing {why}: {' '.join(missing)}")
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    wait_for_package_manager()
    # apt also waits by itself for a lock taken between our check and its start.
    wait = ["-o", f"DPkg::Lock::Timeout={int(APT_LOCK_WAIT_S)}"]
    subprocess.run(["apt-get", *wait, "update", "-qq"], check=False, env=env)
    subprocess.check_call(
        ["apt-get", *wait, "install", "-y", "-qq", "--no-install-recommends", *missing], env=env
    )


def package_manager_busy(lock_file: Path = DPKG_LOCK) -> bool:
    """True while another program (unattended upgrades, an installer) holds dpkg's lock."""
    import fcntl

    try:
        with open(lock_file, "w") as handle:
            try:
                fcntl.lockf(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except OSError:
                return True
            fcntl.lockf(handle, fcntl.LOCK_UN)
            return False
    except OSError:  # no such file or no permission: apt-get will say what is wrong
        return False


def wait_for_package_manager(
    lock_file: Path = DPKG_LOCK, timeout_s: float = APT_LOCK_WAIT_S, poll_s: float = 2.0
) -> None:
    """Wait, saying so, while dpkg's lock is held, instead of apt-get failing at once."""
    if not package_manager_busy(lock_file):
        return
    say(
        "another program is installing packages (dpkg's lock is held, e.g. by automatic "
        f"updates); waiting up to {timeout_s / 60:.0f} minutes for it to finish…"
    )
    deadline = time.monotonic() + timeout_s
    while package_manager_busy(lock_file):
        if time.monotonic() > deadline:
            raise SystemExit(
                "[dev] dpkg's lock is still held: finish or stop the other installer, then retry"
            )
        time.sleep(poll_s)
    say("the package manager is free again")


def find_postgres_bin() -> Path | None:
    found = shutil.which("pg_ctl")
    if found:
        return Path(found).parent
    candidates = sorted(Path("/usr/lib/postgresql").glob("*/bin/pg_ctl"), reverse=True)
    return candidates[0].parent if candidates else None


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class ThrowawayPostgres:
    """A private PostgreSQL cluster on loopback for one test run (trust auth, temp dir)."""

    def __init__(self, bin_dir: Path) -> None:
        self.bin_dir = bin_dir
        self.dir = Path(tempfile.mkdtemp(prefix="shequn-test-pg-"))
        self.port = free_port()
        # initdb refuses to run as root: run the server as the postgres user then.
        is_root = hasattr(os, "geteuid") and os.geteuid() == 0
        self.as_user = ["runuser", "-u", "postgres", "--"] if is_root else []

    def _run(self, *args: str) -> None:
        subprocess.run([*self.as_user, *args], check=True, capture_output=True, text=True)

    def start(self) -> str:
        if self.as_user:
            shutil.chown(self.dir, "postgres", "postgres")
        data = self.dir / "data"
        self._run(
            str(self.bin_dir / "initdb"),
            "-D",
            str(data),
            "-U",
            "postgres",
            "-A",
            "trust",
            "-E",
            "UTF8",
            "--locale=C.UTF-8",
        )
        options = f"-p {self.port} -k {self.dir} -c listen_addresses=127.0.0.1 -c fsync=off"
        self._run(
            str(self.bin_dir / "pg_ctl"),
            "-D",
            str(data),
            "-o",
            options,
            "-l",
            str(self.dir / "server.log"),
            "-w",
            "start",
        )
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/postgres"

    def stop(self) -> None:
        subprocess.run(
            [
                *self.as_user,
                str(self.bin_dir / "pg_ctl"),
                "-D",
                str(self.dir / "data"),
                "-m",
                "immediate",
                "stop",
            ],
            capture_output=True,
            check=False,
        )
        shutil.rmtree(self.dir, ignore_errors=True)


def run_program(args: list[str]) -> int:
    return subprocess.call([str(venv_python()), str(ROOT / "main.py"), *args], cwd=ROOT)


# The whole suite runs on every core (one pytest worker each); a file's tests stay on one worker
# so its module fixtures (a built app, a rendered corpus) are made once. The slowest tests are
# listed at the end so a run that creeps towards CI's limit shows where the time went.
WHOLE_SUITE_ARGS = ["-n", "auto", "--dist", "loadfile", "--durations=25"]


def run_tests(args: list[str]) -> int:
    args = args or WHOLE_SUITE_ARGS
    env = dict(os.environ)
    server = None
    if not env.get("SHEQUN_TEST_PG_URL"):
        bin_dir = find_postgres_bin()
        if bin_dir is None:
            say("no PostgreSQL found: the PostgreSQL half of the database tests will be skipped")
        else:
            server = ThrowawayPostgres(bin_dir)
            started = time.monotonic()
            env["SHEQUN_TEST_PG_URL"] = server.start()
            say(f"PostgreSQL started on port {server.port} in {time.monotonic() - started:.1f}s")
    try:
        return subprocess.call([str(venv_python()), "-m", "pytest", *args], cwd=ROOT, env=env)
    finally:
        if server is not None:
            server.stop()


def main(argv: list[str]) -> int:
    if sys.version_info < (3, 11):  # noqa: UP036 (this runs before the venv exists)
        say(f"Python 3.11 or newer is needed, this is {sys.version.split()[0]}")
        return 2
    if not argv or argv[0] not in {"run", "test"}:
        print(__doc__)
        return 2
    command, rest = argv[0], argv[1:]
    ensure_debian_packages(QT_DEBIAN_PACKAGES, "Qt's system libraries")
    if command == "test":
        ensure_debian_packages(
            TEST_DEBIAN_PACKAGES, "PostgreSQL, binutils, LibreOffice and poppler for the tests"
        )
    ensure_venv()
    return run_program(rest) if command == "run" else run_tests(rest)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
