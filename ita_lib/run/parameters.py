"""Parameters of the briefing notebook: one declared, typed contract for YAML files and kernels.

papermill only warns about a parameter the notebook does not declare, so a misspelt key in a
``params/*.yaml`` file would be ignored silently. Here both ways in are checked: a parameters
file before any kernel starts (:func:`load_parameters_file`), and the notebook's own namespace
right after papermill injected the values (:meth:`BriefingParameters.from_namespace`).
"""

from __future__ import annotations

import re
import types
from collections.abc import Mapping
from email.utils import getaddresses
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, ClassVar, Literal, Self

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
)

from ita_lib.exceptions import ParameterError
from ita_lib.model.safe_yaml import load_yaml

if TYPE_CHECKING:
    from ita_lib.render.briefing import Briefing, HTMLFragment

__all__ = [
    "DEFAULT_PASSWORD_ENV",
    "BriefingParameters",
    "EmailSettings",
    "ExploreParameters",
    "NotebookParameters",
    "PortfolioParameters",
    "SmtpSettings",
    "briefing_from_parameters",
    "check_address",
    "load_parameters_file",
    "progress_from_parameters",
]


# Names IPython puts in a kernel's namespace; they are not parameters.
_KERNEL_NAMES = frozenset({"In", "Out", "get_ipython", "exit", "quit", "open"})

# -- email delivery settings (read by ``ita email``; the notebook ignores them) ----------------

DEFAULT_PASSWORD_ENV = "ITA_SMTP_PASSWORD"

# An addr-spec as mail servers accept it: no spaces or specials in the local part, a domain of
# dot-separated labels (letters in any script, digits, hyphens) ending in a top-level label.
_ADDR_SPEC = re.compile(r"^[^\s@\"(),:;<>\[\]\\]+@(?:[^\s@.\"(),:;<>\[\]\\]+\.)+[^\W\d_]{2,}$")


def check_address(text: str) -> str:
    """Check one e-mail address (``a@b.org`` or ``Name <a@b.org>``) and return it stripped.

    Raises
    ------
    ValueError
        When ``text`` is not exactly one address or contains a line break.
    """
    text = text.strip()
    if not text or any(ord(c) < 32 or c == "\x7f" for c in text):
        raise ValueError("not an e-mail address")
    parsed = getaddresses([text])
    if len(parsed) != 1 or not _ADDR_SPEC.match(parsed[0][1]):
        raise ValueError("not an e-mail address")
    return text


Address = Annotated[str, AfterValidator(check_address)]


def _address_list(value: Any) -> Any:
    """Accept one address as a one-item list (``to: a@b.org``)."""
    return [value] if isinstance(value, str) else value


class SmtpSettings(BaseModel):
    """The SMTP server ``ita email --send`` delivers through (``email.smtp`` in a params file).

    The password is never a setting: it is read from the environment variable named by
    ``password_env`` when ``user`` is set.
    """

    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)

    host: str = Field("", description="the host name of the SMTP server")
    port: int | None = Field(
        None, ge=1, le=65535, description="a port number (default 587 starttls, 465 tls, 25 none)"
    )
    security: Literal["starttls", "tls", "none"] = Field(
        "starttls", description="one of starttls, tls, none"
    )
    user: str = Field("", description="the SMTP user name (empty: no authentication)")
    password_env: str = Field(
        DEFAULT_PASSWORD_ENV,
        pattern=r"^[A-Z][A-Z0-9_]*$",
        description="the NAME of an environment variable, in capitals (e.g. ITA_SMTP_PASSWORD)",
    )
    timeout: float = Field(30.0, gt=0, le=600, description="seconds from 0 to 600")
    retries: int = Field(3, ge=0, le=10, description="a number of retries from 0 to 10")
    retry_delay: float = Field(
        2.0, ge=0, le=300, description="seconds before the first retry, from 0 to 300"
    )
    ca_file: str = Field(
        "", description="a PEM file of certificate authorities to trust (default: the system's)"
    )


class EmailSettings(BaseModel):
    """Recipients and delivery of the emailed briefing (``email`` in a params file).

    The notebook declares ``email = {}`` and ignores it; ``ita email`` reads it. Addresses are
    ``a@b.org`` or ``Name <a@b.org>``; ``to``, ``cc`` and ``bcc`` take one address or a list.
    """

    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)

    to: list[Address] = Field([], description="an e-mail address or a list of them")
    cc: list[Address] = Field([], description="an e-mail address or a list of them")
    bcc: list[Address] = Field([], description="an e-mail address or a list of them")
    sender: str = Field("", description="an e-mail address such as 'ITA <ita@example.org>'")
    reply_to: str = Field("", description="an e-mail address such as 'ita@example.org'")
    smtp: SmtpSettings = Field(
        SmtpSettings(),
        description="a mapping of SMTP settings (host, port, security, user, password_env, ...)",
    )

    _to_list = field_validator("to", "cc", "bcc", mode="before")(_address_list)

    @field_validator("sender", "reply_to")
    @classmethod
    def _check_one_address(cls, value: str) -> str:
        return check_address(value) if value.strip() else ""

    @property
    def recipients(self) -> list[str]:
        """Return every envelope recipient (to, cc and bcc) as bare addresses, once each."""
        addresses = [addr for _, addr in getaddresses([*self.to, *self.cc, *self.bcc])]
        return list(dict.fromkeys(addresses))


def _field_info(model: type[BaseModel], loc: tuple[Any, ...]) -> tuple[Any, type[BaseModel]]:
    """Return the pydantic field at ``loc`` (list indexes skipped) and the model holding it."""
    field = None
    for part in loc:
        if not isinstance(part, str):
            continue
        field = model.model_fields.get(part)
        if field is None:
            break
        if isinstance(field.annotation, type) and issubclass(field.annotation, BaseModel):
            model = field.annotation
    return field, model


class NotebookParameters(BaseModel):
    """Base of the parameter models of the notebooks: strict, frozen, no undeclared names.

    Subclasses name their notebook in :attr:`notebook` and the parameters holding file paths
    (resolved against a parameters file's folder) in :attr:`path_fields`.
    """

    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)

    notebook: ClassVar[str] = "briefing"
    path_fields: ClassVar[tuple[str, ...]] = ()

    @classmethod
    def from_mapping(cls, values: Mapping[str, Any], *, source: str) -> Self:
        """Validate parameter values, naming ``source`` in errors.

        Raises
        ------
        ParameterError
            For an undeclared parameter or a value of the wrong type.
        """
        try:
            return cls.model_validate(dict(values))
        except ValidationError as exc:
            error = exc.errors()[0]
            loc = error["loc"]
            name = ".".join(str(p) for p in loc) or "parameters"
            field, holder = _field_info(cls, loc)
            if error["type"] == "extra_forbidden":
                if loc[-1] == "password":
                    raise ParameterError(
                        "passwords are not read from parameters files",
                        source=source,
                        location=name,
                        expected="the password in the environment variable named by "
                        "email.smtp.password_env",
                    ) from None
                raise ParameterError(
                    f"the {cls.notebook} notebook has no such parameter"
                    if len(loc) == 1
                    else "no such setting",
                    source=source,
                    location=name,
                    expected="one of " + ", ".join(holder.model_fields),
                ) from None
            expected = (
                field.description or getattr(field.annotation, "__name__", str(field.annotation))
                if field
                else None
            )
            found = error.get("input")
            if loc and loc[0] == "email" and (isinstance(found, dict | list) or "password" in name):
                found = None  # never echo a whole mapping, or what may be a secret
            raise ParameterError(
                error["msg"],
                source=source,
                location=name,
                expected=expected,
                found=found,
            ) from None

    @classmethod
    def from_namespace(cls, namespace: Mapping[str, Any]) -> Self:
        """Collect and validate the parameters from a notebook's global namespace.

        Any public, non-module name other than the declared parameters (for example one
        injected by ``papermill -p typo value``) is an error.
        """
        values = {
            name: value
            for name, value in namespace.items()
            if not name.startswith("_")
            and name not in _KERNEL_NAMES
            and not isinstance(value, types.ModuleType)
        }
        return cls.from_mapping(values, source="notebook parameters")


class BriefingParameters(NotebookParameters):
    """Parameters of ``notebooks/briefing.ipynb`` (the names of its ``parameters`` cell).

    Attributes
    ----------
    assessment
        ``"bundled:<name>"`` or the path of an assessment YAML file. A relative path in a
        parameters file run by ``ita brief`` is relative to that file's folder.
    thai_digits
        Show numbers in Thai digits (๙๒.๕๖) instead of Arabic digits (92.56).
    run_timestamp
        Text shown as the briefing's date of preparation; empty shows none, so that the same
        inputs give byte-identical HTML.
    results_table
        Path of a results table (CSV/XLSX) of other agencies and years: the briefing then gains
        a peer and trend section. Empty: no such section.
    previous_assessment
        The same agency's assessment of an earlier year (``bundled:<name>`` or a path): the
        briefing then marks OIT items failed again and indicators that fell. Empty: the latest
        earlier row of the agency in ``results_table``, if any.
    progress
        Path of the measures' progress file (YAML, docs/drafting.md): the briefing then gains
        a progress section. Empty: no such section.
    email
        Delivery settings used by ``ita email`` (recipients, sender, SMTP server): an
        :class:`EmailSettings`, written as a mapping; the notebook itself ignores them. See
        :mod:`ita_lib.deliver.delivery` and ``docs/email.md``.
    """

    notebook: ClassVar[str] = "briefing"
    path_fields: ClassVar[tuple[str, ...]] = (
        "assessment",
        "results_table",
        "previous_assessment",
        "progress",
    )

    assessment: str = "bundled:bueng-krachap-2565"
    thai_digits: bool = False
    run_timestamp: str = ""
    results_table: str = ""
    previous_assessment: str = ""
    progress: str = ""
    email: EmailSettings = Field(
        EmailSettings(),
        description="a mapping of delivery settings (to, cc, bcc, sender, reply_to, smtp)",
    )

    def notebook_values(self) -> dict[str, Any]:
        """Return the values to inject into the notebook: all but the email settings.

        The notebook ignores ``email``; leaving it out keeps recipients and server names out
        of executed notebooks and out of batch input hashes.
        """
        return self.model_dump(exclude={"email"})


class ExploreParameters(NotebookParameters):
    """Parameters of ``notebooks/explore.ipynb``.

    Attributes
    ----------
    results_table
        A results table (CSV/XLSX), or ``synthetic:<fiscal years>[:<rows>]`` (``synthetic:2565``,
        ``synthetic:2564-2565``) for the seeded synthetic national table (marked synthetic on
        every page).
    item_results
        An item results table (CSV/XLSX, ``ita_lib.model.item_results``); "" uses the synthetic
        table's own items, or none for a real table.
    fiscal_year
        The year of the static views (0: the latest in the table).
    agency_type, province
        Keep one agency type or province in the static views ("" keeps all).
    status
        ``""`` (all), ``"fail"`` (below 85) or ``"pass"``.
    agency
        A name, part of one, or an ITAS code: the history of that agency ("" shows none).
    limit
        Rows shown of each long list (the downloads always hold every row).
    export_xlsx
        A path: write the filtered tables there as one .xlsx workbook ("" writes none).
    """

    notebook: ClassVar[str] = "explore"
    path_fields: ClassVar[tuple[str, ...]] = ("results_table", "item_results", "export_xlsx")

    results_table: str = "synthetic:2564-2565"
    item_results: str = ""
    fiscal_year: int = Field(0, ge=0)
    agency_type: str = ""
    province: str = ""
    status: Literal["", "pass", "fail"] = ""
    agency: str = ""
    limit: int = Field(20, ge=1)
    export_xlsx: str = ""


class PortfolioParameters(NotebookParameters):
    """Parameters of ``notebooks/portfolio.ipynb``.

    Attributes
    ----------
    assessments
        A folder of assessment YAML files, or ``synthetic`` for a seeded synthetic portfolio
        (marked synthetic on every page).
    max_fixes
        Agencies within this many OIT fixes of the pass mark or their next rating are listed
        as support priorities.
    """

    notebook: ClassVar[str] = "portfolio"
    path_fields: ClassVar[tuple[str, ...]] = ("assessments",)

    assessments: str = "synthetic"
    max_fixes: int = Field(3, ge=0)


def briefing_from_parameters(params: BriefingParameters) -> Briefing:
    """Load what the parameters name (assessment, results table) and prepare the briefing."""
    from ita_lib.model.assessment_file import load_assessment
    from ita_lib.model.results_table import load_results_table
    from ita_lib.render.briefing import Briefing

    return Briefing.from_assessment(
        load_assessment(params.assessment),
        thai_digits=params.thai_digits,
        run_timestamp=params.run_timestamp,
        peers=load_results_table(params.results_table) if params.results_table else (),
        previous=load_assessment(params.previous_assessment)
        if params.previous_assessment
        else None,
    )


def progress_from_parameters(params: BriefingParameters) -> HTMLFragment:
    """Render the briefing's progress section from ``params.progress`` (empty when not given)."""
    from ita_lib.model.progress import load_progress
    from ita_lib.render.progress import progress_fragment

    progress = load_progress(params.progress) if params.progress else None
    return progress_fragment(progress, thai_digits=params.thai_digits)


def load_parameters_file(
    path: str | Path, model: type[NotebookParameters] = BriefingParameters
) -> Any:
    """Read a papermill parameters YAML file and validate it against a notebook's model.

    A relative path in a path parameter (``assessment``, ``results_table``, ...) is made
    absolute against the file's folder, so the run does not depend on the working directory.
    Returns an instance of ``model`` (by default :class:`BriefingParameters`).

    Raises
    ------
    ParameterError
        When the file is missing, not YAML, not a mapping, or has a bad parameter.
    """
    path = Path(path)
    source = str(path)
    if not path.is_file():
        raise ParameterError("file not found", source=source, expected="a parameters YAML file")
    expected = "a YAML mapping of parameter names to values"
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ParameterError(
            "not UTF-8 text", source=source, location=f"byte {exc.start}", expected=expected
        ) from None
    data = load_yaml(text, source=source, expected=expected, dates=False, error=ParameterError)
    if data is None:
        raise ParameterError("file is empty", source=source, expected=expected)
    if not isinstance(data, dict):
        raise ParameterError(
            "the top level is not a mapping",
            source=source,
            expected=expected,
            found=type(data).__name__,
        )
    params = model.from_mapping(data, source=source)
    updates = {}
    for name in model.path_fields:
        value = getattr(params, name)
        if (
            value
            and not value.startswith(("bundled:", "synthetic"))
            and not Path(value).expanduser().is_absolute()
        ):
            updates[name] = str((path.parent / value).resolve())
    return params.model_copy(update=updates) if updates else params
