"""A LibreOffice worker: its own soffice, one persistent UNO bridge, and unoserver's XML-RPC in front.

Run by LibreOffice's Python (the one that imports uno), as the service's pool starts it or by
hand on another machine:

    python3 uno_worker.py --interface 0.0.0.0 --port 2003 --profile /srv/office/profile

It answers unoserver's two calls with their signatures, so that any unoserver client works:
info() and convert(inpath, indata, outpath, convert_to, filtername, filter_options,
update_index, infiltername, password). A fault for a document LibreOffice cannot read holds
unoserver's words ("Could not load document", "does not exist", "There is no").

It is ready as soon as soffice answers through the bridge, and then converts a small document
once, so that the first caller does not wait for filters and fonts to load. A conversion
answers once the PDF is written; the document is closed after. One conversion runs at a
time, whoever asks; info answers meanwhile. The worker exits when
its soffice exits, and when a conversion overruns --conversion-timeout (soffice killed first,
the caller told): a hung soffice never comes back, so whoever supervises the worker starts a
new one. It takes the processes it starts down with it: they share its process group.

This file imports nothing of the service: the uno module lives only in the system's Python.
"""

from __future__ import annotations

import argparse
import contextlib
import logging
import os
import re
import shutil
import signal
import socketserver
import subprocess
import sys
import tempfile
import threading
import time
import xmlrpc.client
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any
from xmlrpc.server import SimpleXMLRPCRequestHandler, SimpleXMLRPCServer

import uno

# UNO's types through uno.getClass: the same classes "from com.sun.star… import" gives.
NoConnectException = uno.getClass("com.sun.star.connection.NoConnectException")
IOException = uno.getClass("com.sun.star.io.IOException")
IllegalArgumentException = uno.getClass("com.sun.star.lang.IllegalArgumentException")

log = logging.getLogger("uno_worker")

API_VERSION = "3"  # unoserver's XML-RPC interface, which unoserver's own client checks
PDF_EXPORT = "writer_pdf_Export"
EXIT_NO_PORT = 2  # the port is taken: whoever started the worker may try another
EXIT_OFFICE_GONE = 3  # soffice exited, or never answered
EXIT_OVERRUN = 4  # a conversion overran its time: soffice killed
OVERRUN_GRACE = 2.0  # seconds the caller's fault may take to leave before the worker exits anyway
# Loading flags (com.sun.star.document.UpdateDocMode.NO_UPDATE and MacroExecutionMode.
# NEVER_EXECUTE): the profile forbids links and macros already; the load says so again.
NO_UPDATE = 0
NEVER_EXECUTE = 0
# The faces GB/T 9704 documents are set in, as the templates name them: loaded at warm-up.
WARM_UP_FACES = ("仿宋_GB2312", "方正小标宋简体", "黑体", "楷体_GB2312")
# A conversion's settings after its paths: filtername, filter_options, update_index,
# infiltername, password.
ConversionSettings = tuple[str | None, list[str], bool, str | None, str | None]


def properties(**values: Any) -> tuple[Any, ...]:
    """Return UNO PropertyValues, one per keyword."""
    return tuple(property_value(name, value) for name, value in values.items())


def property_value(name: str, value: object) -> Any:
    """Return one UNO PropertyValue."""
    return uno.createUnoStruct("com.sun.star.beans.PropertyValue", Name=name, Value=value)


def filter_data(filter_options: list[str]) -> tuple[tuple[Any, ...], tuple[Any, ...]]:
    """Return the export's FilterData and FilterOptions from unoserver's "Name=value" words.

    As unoserver types them: true and false are booleans, digits a number, the rest text;
    a word without "=" is a FilterOptions string.
    """
    data, options = [], []
    for option in filter_options or ():
        name, equals, text = option.partition("=")
        if not equals:
            options.append(property_value("FilterOptions", option))
            continue
        value: object = text
        if text in {"true", "false"}:
            value = text == "true"
        elif text.isdecimal():
            value = int(text)
        data.append(property_value(name, value))
    return tuple(data), tuple(options)


class Office:
    """One soffice with its own profile, and the persistent UNO bridge to it."""

    def __init__(self, soffice: str, profile: Path) -> None:
        self.soffice = soffice
        self.profile = profile
        self.pipe = f"wenshu_uno_{os.getpid()}"
        self.process: subprocess.Popen[bytes] | None = None
        self.context: Any = None
        self.desktop: Any = None
        self.version = ""
        self.stopping = False

    def start(self) -> None:
        """Start soffice and return once its bridge answers; exit when soffice exits first."""
        command = [
            self.soffice, "--headless", "--invisible", "--norestore", "--nologo",
            "--nodefault", "--nocrashreport", "--nofirststartwizard",
            f"-env:UserInstallation={self.profile.resolve().as_uri()}",
            f"--accept=pipe,name={self.pipe};urp;StarOffice.ComponentContext",
        ]  # fmt: skip
        seed_last_version(self.profile, self.soffice)
        log.info("starting %s", " ".join(command))
        try:
            self.process = subprocess.Popen(command, stdin=subprocess.DEVNULL)
        except OSError as error:
            log.error("cannot start LibreOffice: %s", error)
            sys.exit(EXIT_OFFICE_GONE)
        local = uno.getComponentContext()
        resolver = local.ServiceManager.createInstanceWithContext(
            "com.sun.star.bridge.UnoUrlResolver", local
        )
        url = f"uno:pipe,name={self.pipe};urp;StarOffice.ComponentContext"
        while True:
            if self.process.poll() is not None:
                log.error("LibreOffice exited with %s before it answered", self.process.returncode)
                sys.exit(EXIT_OFFICE_GONE)
            try:
                self.context = resolver.resolve(url)
                break
            except NoConnectException:
                time.sleep(0.02)  # soffice is still starting: its pipe is not open yet
        self.desktop = self.context.ServiceManager.createInstanceWithContext(
            "com.sun.star.frame.Desktop", self.context
        )
        self.version = self._product_version()
        threading.Thread(target=self._watch, name="watch-soffice", daemon=True).start()

    def _product_version(self) -> str:
        """Return LibreOffice's version as its About box shows it, having marked the profile as
        started by this version.

        soffice runs its graphics self-tests (five seconds and more) at every start until the
        profile names this version as the last one started, which only a document window
        ever writes; headless, it never is. Written here, every later start on the profile
        skips them (write_settings keeps the mark when it writes its own settings).
        """
        provider = self.context.ServiceManager.createInstanceWithContext(
            "com.sun.star.configuration.ConfigurationProvider", self.context
        )
        product = properties(nodepath="/org.openoffice.Setup/Product")
        access = provider.createInstanceWithArguments(
            "com.sun.star.configuration.ConfigurationAccess", product
        )
        version = access.getByName("ooSetupVersion")
        if access.getByName("ooSetupLastVersion") != version:
            try:
                update = provider.createInstanceWithArguments(
                    "com.sun.star.configuration.ConfigurationUpdateAccess", product
                )
                update.replaceByName("ooSetupLastVersion", version)
                update.commitChanges()
                provider.flush()  # now: soffice is killed, never stopped, and writes no more
            except Exception as error:  # only the next start's speed depends on it
                log.warning("could not mark the profile as started by %s: %s", version, error)
        return str(access.getByName("ooSetupVersionAboutBox"))

    def _watch(self) -> None:
        """Exit the worker as soon as soffice exits: a worker without its office is dead."""
        assert self.process is not None
        code = self.process.wait()
        if not self.stopping:
            log.error("LibreOffice exited with %s; the worker stops", code)
            stop_group()
            os._exit(EXIT_OFFICE_GONE)

    def answers(self) -> None:
        """Make a round trip to soffice through the bridge; raise when it is gone."""
        if self.process is None or self.process.poll() is not None:
            raise RuntimeError("LibreOffice is not running")
        # The component context answers without the office's global lock, so a probe does
        # not wait for a conversion in progress.
        self.context.getValueByName("/singletons/com.sun.star.util.theMacroExpander")

    def convert(
        self,
        source: str,
        target: str,
        filtername: str | None,
        filter_options: list[str],
        update_index: bool,
        infiltername: str | None,
        password: str | None,
        stored: Callable[[], None] | None = None,
    ) -> None:
        """Load source hidden and read-only, export it to target, close it; raise on failure.

        stored, when given, is called once the PDF is written, before the document closes.
        """
        if not os.path.exists(source):
            raise RuntimeError(f"Path {source} does not exist.")
        # storeToURL would make a missing folder, and a folder that vanished must fail the
        # attempt: a pool's attempt writes into a private folder that may be gone.
        folder = os.path.dirname(os.path.abspath(target))
        if not os.path.isdir(folder) or not os.access(folder, os.W_OK):
            raise RuntimeError(f"Path {target} is not writable: no folder {folder} to write in")
        loading = properties(
            Hidden=True, ReadOnly=True, UpdateDocMode=NO_UPDATE, MacroExecutionMode=NEVER_EXECUTE
        )
        if infiltername:
            loading += properties(FilterName=infiltername)
        if password:
            loading += properties(Password=password)
        try:
            document = self.desktop.loadComponentFromURL(
                uno.systemPathToFileUrl(os.path.abspath(source)), "_blank", 0, loading
            )
        except (IllegalArgumentException, IOException) as error:
            raise RuntimeError(f"Could not load document {source}: {error.Message}") from None
        if document is None:
            raise RuntimeError(f"Could not load document {source}.")
        try:
            if update_index:
                update_indexes(document)
            data, options = filter_data(filter_options)
            storing = properties(FilterName=filtername or PDF_EXPORT, Overwrite=True)
            if data:
                storing += properties(
                    FilterData=uno.Any("[]com.sun.star.beans.PropertyValue", data)
                )
            document.storeToURL(uno.systemPathToFileUrl(os.path.abspath(target)), storing + options)
            if stored is not None:
                stored()
        finally:
            with contextlib.suppress(Exception):  # a dying soffice: the caller hears of it
                document.close(True)


def seed_last_version(profile: Path, soffice: str) -> None:
    """Mark a new profile as started by the installed version before soffice's first start on it.

    Otherwise that first start runs the graphics self-tests too, three seconds of it (see
    Office._product_version, which marks the profile after the start when this could not).
    A profile already marked, or a registrymodifications.xcu that is not whole, is left alone.
    """
    target = profile / "user" / "registrymodifications.xcu"
    try:
        text = target.read_text(encoding="utf-8")
    except OSError:
        text = ""
    if "ooSetupLastVersion" in text or (text and "</oor:items>" not in text):
        return
    version = installed_version(soffice)
    if version is None:
        return
    item = (
        '<item oor:path="/org.openoffice.Setup/Product"><prop oor:name="ooSetupLastVersion" '
        f'oor:op="fuse"><value>{version}</value></prop></item>\n'
    )
    if text:
        text = text.replace("</oor:items>", item + "</oor:items>")
    else:
        text = (
            '<?xml version="1.0" encoding="UTF-8"?>\n<oor:items '
            'xmlns:oor="http://openoffice.org/2001/registry" '
            'xmlns:xs="http://www.w3.org/2001/XMLSchema" '
            f'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">\n{item}</oor:items>\n'
        )
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(target.name + ".part")
    partial.write_text(text, encoding="utf-8")
    partial.replace(target)


def installed_version(soffice: str) -> str | None:
    """Return LibreOffice's version ("7.4") from its installation's configuration, or None."""
    program = shutil.which(soffice)
    if program is None:
        return None
    share = Path(os.path.realpath(program)).parent.parent / "share"
    for configuration in (share / "registry" / "main.xcd", share / ".registry" / "main.xcd"):
        try:
            text = configuration.read_text(encoding="utf-8")
        except OSError:
            continue
        found = re.search(r'<prop oor:name="ooSetupVersion">\s*<value>([0-9.]+)</value>', text)
        if found:
            return found.group(1)
    return None


def write_warm_up_docx(path: str) -> None:
    """Write a one-page DOCX with a line in each official face (GB/T 9704's, as the templates
    name them) at path."""
    paragraphs = "".join(
        f'<w:p><w:r><w:rPr><w:rFonts w:ascii="{face}" w:eastAsia="{face}" w:hAnsi="{face}"/>'
        '<w:sz w:val="32"/></w:rPr><w:t>档案行政执法文书 2026〔1〕号</w:t></w:r></w:p>'
        for face in WARM_UP_FACES
    )
    with zipfile.ZipFile(path, "w") as package:
        package.writestr(
            "[Content_Types].xml",
            '<?xml version="1.0" encoding="UTF-8"?>'
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" '
            'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/word/document.xml" ContentType="application/'
            'vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>',
        )
        package.writestr(
            "_rels/.rels",
            '<?xml version="1.0" encoding="UTF-8"?>'
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            '<Relationship Id="rId1" Target="word/document.xml" Type="http://schemas.'
            'openxmlformats.org/officeDocument/2006/relationships/officeDocument"/>'
            "</Relationships>",
        )
        package.writestr(
            "word/document.xml",
            '<?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w="http://schemas.'
            f'openxmlformats.org/wordprocessingml/2006/main"><w:body>{paragraphs}</w:body>'
            "</w:document>",
        )


def update_indexes(document: Any) -> None:
    """Update a document's indexes twice (the second pass sets the page numbers the first moved)."""
    for _ in range(2):
        try:
            document.refresh()
            indexes = document.getDocumentIndexes()
        except AttributeError:  # not a text document
            return
        for index in range(indexes.getCount()):
            indexes.getByIndex(index).update()


def stop_group() -> None:
    """Kill every other process of the worker's process group: soffice and what it started."""
    me, group = os.getpid(), os.getpgrp()
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit() or int(entry.name) == me:
            continue
        with contextlib.suppress(OSError):
            if os.getpgid(int(entry.name)) == group:
                os.kill(int(entry.name), signal.SIGKILL)


class Handler(SimpleXMLRPCRequestHandler):
    """XML-RPC over HTTP without Nagle's delay on the small answer after the headers."""

    disable_nagle_algorithm = True

    def log_message(self, format: str, *args: Any) -> None:
        """Log nothing per request."""


class Server(socketserver.ThreadingMixIn, SimpleXMLRPCServer):
    """unoserver's calls over XML-RPC, each request on a thread (info answers during a conversion)."""

    daemon_threads = True
    overrun = False

    def process_request_thread(self, request: Any, client_address: Any) -> None:
        """Answer one request; after the fault of an overrun has gone out, exit."""
        super().process_request_thread(request, client_address)
        if self.overrun:
            os._exit(EXIT_OVERRUN)


class Worker:
    """The XML-RPC calls, one conversion at a time, each bounded by the conversion timeout."""

    def __init__(self, office: Office, server: Server, timeout: float | None) -> None:
        self.office = office
        self.server = server
        self.timeout = timeout
        # Held from a conversion's load to its document's close, which may end after the
        # caller has its answer: the next conversion waits for it.
        self.turn = threading.Lock()

    def warm_up(self) -> None:
        """Convert a small document of the official faces once, as the first caller would.

        The first conversion of a fresh soffice loads the DOCX import filter, the fonts and the
        PDF/A export, about a second; done here, a conversion that asks meanwhile waits only
        for what is left of it, and one that comes later not at all.
        """
        with tempfile.TemporaryDirectory(prefix="uno-worker-") as scratch:
            source = os.path.join(scratch, "warm-up.docx")
            write_warm_up_docx(source)
            started = time.monotonic()
            try:
                self._run(
                    source, os.path.join(scratch, "warm-up.pdf"),
                    (PDF_EXPORT, ["SelectPdfVersion=2"], False, None, None),
                    answer_when_stored=False,
                )  # fmt: skip
            except Exception as error:  # the first real conversion will say what is wrong
                log.warning("warming up failed: %s", error)
                return
        log.info("warmed up in %.2f s", time.monotonic() - started)

    def info(self) -> dict[str, object]:
        """Return unoserver's info, once soffice answered a round trip through the bridge."""
        self.office.answers()
        return {
            "unoserver": "wenshu uno_worker",
            "api": API_VERSION,
            "import_filters": {},
            "export_filters": {PDF_EXPORT: PDF_EXPORT, "pdf": PDF_EXPORT},
            "libreoffice_version": self.office.version,
        }

    def convert(
        self,
        inpath: str | None = None,
        indata: xmlrpc.client.Binary | None = None,
        outpath: str | None = None,
        convert_to: str | None = None,
        filtername: str | None = None,
        filter_options: list[str] | None = None,
        update_index: bool = True,
        infiltername: str | None = None,
        password: str | None = None,
    ) -> xmlrpc.client.Binary | None:
        """Convert inpath (or the bytes indata) to PDF at outpath (or return it, convert_to "pdf")."""
        if (inpath is None) == (indata is None):
            raise ValueError("give inpath or indata, not both")
        if outpath is None and convert_to is None:
            raise ValueError("give outpath, or convert_to for the result's bytes")
        arguments = (filtername, list(filter_options or ()), update_index, infiltername, password)
        if inpath is not None and outpath is not None:
            self._run(inpath, outpath, arguments, answer_when_stored=True)
            return None
        with tempfile.TemporaryDirectory(prefix="uno-worker-") as scratch:
            source = inpath or os.path.join(scratch, "input")
            if indata is not None:
                Path(source).write_bytes(indata.data)
            target = outpath or os.path.join(scratch, f"output.{convert_to}")
            # Files of the scratch folder are open until the document is closed.
            self._run(source, target, arguments, answer_when_stored=False)
            return None if outpath else xmlrpc.client.Binary(Path(target).read_bytes())

    def _run(
        self, source: str, target: str, arguments: ConversionSettings, answer_when_stored: bool
    ) -> None:
        """Run one conversion on a thread of its own; return once its PDF is stored (or, unless
        answer_when_stored, its document closed), or raise its error.

        Closing a document takes soffice a quarter of a conversion; the caller goes on with
        the PDF meanwhile. A conversion that overruns the timeout, close included, stops
        soffice and the worker.
        """
        self.turn.acquire()  # bounded: the holder's watchdog ends the worker
        answered = threading.Event()
        outcome: list[BaseException | None] = []
        once = threading.Lock()

        def answer(error: BaseException | None = None) -> None:
            with once:
                if not answered.is_set():
                    outcome.append(error)
                    answered.set()

        watchdog = None
        if self.timeout is not None:
            watchdog = threading.Timer(self.timeout, self._overrun, (source, answered, answer))
            watchdog.start()

        def run() -> None:
            try:
                self.office.convert(
                    source, target, *arguments, stored=answer if answer_when_stored else None
                )
            except BaseException as error:  # handed to the caller's thread
                answer(error)
            else:
                answer()
            finally:
                if watchdog is not None:
                    watchdog.cancel()
                self.turn.release()

        threading.Thread(target=run, name="conversion", daemon=True).start()
        answered.wait()
        if outcome[0] is not None:
            raise outcome[0]

    def _overrun(
        self, source: str, answered: threading.Event, answer: Callable[[BaseException], None]
    ) -> None:
        """Stop soffice and the worker after a conversion overran, telling a waiting caller first."""
        log.error("converting %s took longer than %g s; stopping LibreOffice", source, self.timeout)
        self.office.stopping = True
        stop_group()
        if answered.is_set():  # only its close overran: nobody waits for a word
            os._exit(EXIT_OVERRUN)
        self.server.overrun = True  # the fault goes out, then process_request_thread exits
        # The backstop, when the caller does not read its fault.
        threading.Timer(OVERRUN_GRACE, os._exit, (EXIT_OVERRUN,)).start()
        answer(TimeoutError(f"converting {source} took longer than {self.timeout:g} s"))


def arguments() -> argparse.Namespace:
    """Return the command line's settings."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--interface", default="127.0.0.1", help="address to serve XML-RPC on")
    parser.add_argument("--port", type=int, default=2003, help="port to serve XML-RPC on")
    parser.add_argument(
        "--profile", type=Path, help="LibreOffice user profile (default: a temporary one)"
    )
    parser.add_argument("--soffice", default="soffice", help="the LibreOffice program")
    parser.add_argument(
        "--conversion-timeout",
        type=float,
        help="seconds a conversion may take before the worker exits",
    )
    parser.add_argument("--quiet", action="store_true", help="log errors only")
    return parser.parse_args()


def main() -> None:
    """Bind the port, start soffice, serve until soffice exits, a conversion overruns or a signal."""
    settings = arguments()
    logging.basicConfig(
        level=logging.ERROR if settings.quiet else logging.INFO,
        format="%(asctime)s uno_worker[%(process)d] %(levelname)s %(message)s",
    )
    if os.getpgrp() != os.getpid():
        os.setpgid(0, 0)  # a group of its own, which stop_group empties and nothing else
    # The port first: taken by another program, the worker exits before starting soffice.
    try:
        server = Server(
            (settings.interface, settings.port), requestHandler=Handler, allow_none=True,
            logRequests=False,
        )  # fmt: skip
    except OSError as error:
        log.error("cannot serve on %s:%s: %s", settings.interface, settings.port, error)
        sys.exit(EXIT_NO_PORT)
    with contextlib.ExitStack() as stack:
        profile = settings.profile or Path(stack.enter_context(tempfile.TemporaryDirectory()))
        office = Office(settings.soffice, profile)

        def stop(signum: int, frame: object) -> None:
            office.stopping = True
            stop_group()
            os._exit(128 + signum)

        for signum in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
            signal.signal(signum, stop)
        office.start()
        worker = Worker(office, server, settings.conversion_timeout)
        server.register_function(worker.info, "info")
        server.register_function(worker.convert, "convert")
        log.info("ready at http://%s:%s (%s)", settings.interface, settings.port, office.version)
        threading.Thread(target=worker.warm_up, name="warm-up", daemon=True).start()
        server.serve_forever()


if __name__ == "__main__":
    main()
