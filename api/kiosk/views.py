"""The kiosk's pages: a welcome, five short steps, the results, and the next steps a person may take.

Every page works without JavaScript. Every answer arrives by POST and is kept
only in the encrypted cookie (:mod:`api.kiosk.session`); after a step is
saved the browser is sent (303) to the next step's plain URL, so history holds
only URLs such as ``/step/place`` and reloading never re-sends a form. The
language switch on every page is a submit button of the page's own form: it
saves what is on the screen, then shows the same page in the other language.
"""

from __future__ import annotations

from typing import Any

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    g,
    jsonify,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError

from matcher import i18n
from matcher.errors import MatcherError, NotFoundError
from matcher.kiosk_store import ContactDetails, KioskStore, show_code

from ..access import public
from ..services import services
from . import answers as A  # noqa: N812
from .cards import SECTOR_ICONS, cards
from .matching import recommend, resolve_free_text

bp = Blueprint("kiosk", __name__, template_folder="templates", static_folder="static",
               static_url_path="/kiosk-static")

#: The words a person agrees to before a contact request is stored (kept with it, in their language).
CONSENT_VERSION = "kiosk-contact-v1"


@bp.before_request
def _kiosk_request() -> None:
    from . import language_for_request

    kiosk = current_app.extensions["kiosk"]
    g.kiosk_lang = language_for_request(kiosk.languages)
    g.kiosk_i18n_token = i18n.set_language(g.kiosk_lang)
    g.kiosk_expired = bool(getattr(session, "expired", False))
    if request.method == "POST" and request.endpoint != "kiosk.start_over":
        current_app.extensions["kiosk_csrf"].protect()  # start over is exempt: it only forgets, and must
        # work even on a page whose form has expired
    if request.endpoint != "kiosk.static":
        session.modified = True  # re-issue the cookie: the inactivity clock starts again


@bp.teardown_request
def _kiosk_done(_exc: BaseException | None) -> None:
    token = g.pop("kiosk_i18n_token", None)
    if token is not None:
        i18n.reset_language(token)


@bp.app_context_processor
def _kiosk_context() -> dict[str, Any]:
    from . import LANGUAGE_NAMES

    kiosk = current_app.extensions.get("kiosk")
    if kiosk is None:
        return {}
    return {"kiosk_languages": kiosk.languages, "kiosk_lang": getattr(g, "kiosk_lang", kiosk.languages[0]),
            "reset_seconds": int(kiosk.reset_seconds), "language_names": LANGUAGE_NAMES,
            "kiosk_expired": getattr(g, "kiosk_expired", False)}


@bp.errorhandler(CSRFError)
def _csrf_failed(exc: CSRFError) -> Any:
    return render_template("kiosk/error.html", status=400, title=_("This page has expired"),
                           message=_("For your privacy, this page stopped working. Please start again.")), 400


@bp.errorhandler(MatcherError)
def _library_failed(exc: MatcherError) -> Any:
    return handle_library_error(exc)


def _answers() -> dict[str, Any]:
    value = session.get("answers")
    return dict(value) if isinstance(value, dict) else {}


def _save(step: str, values: dict[str, Any], *, done: bool) -> None:
    answers = _answers()
    answers[step] = {k: v for k, v in values.items() if not k.endswith("_typed")}
    if done:
        answers[f"{step}__done"] = True
    session["answers"] = answers


def _switch_language() -> str | None:
    """The language asked for by a language button on this POST (one of the kiosk's), else None."""
    wanted = request.form.get("set_lang")
    if wanted and wanted in current_app.extensions["kiosk"].languages:
        session["lang"] = wanted
        if wanted != g.kiosk_lang:  # a page rendered by this same request is in the new language
            from flask_babel import refresh

            token = g.pop("kiosk_i18n_token", None)
            if token is not None:
                i18n.reset_language(token)
            g.kiosk_lang = wanted
            g.kiosk_i18n_token = i18n.set_language(wanted)
            refresh()
        return wanted
    return None


def _next_step(step: str) -> str | None:
    i = A.STEPS.index(step)
    return A.STEPS[i + 1] if i + 1 < len(A.STEPS) else None


def _previous_step(step: str) -> str | None:
    i = A.STEPS.index(step)
    return A.STEPS[i - 1] if i > 0 else None


# ---------------------------------------------------------------------- pages


@bp.get("/")
@public(rate_limited=True)
def welcome() -> Any:
    """The first page: what the kiosk does, what it keeps (nothing), and the start button."""
    wanted = request.args.get("lang")
    if wanted in current_app.extensions["kiosk"].languages and wanted != g.kiosk_lang:
        session["lang"] = wanted
        return redirect(url_for("kiosk.welcome"), code=303)
    notice = session.pop("notice", None)
    return render_template("kiosk/welcome.html", notice=notice, started=bool(_answers()))


@bp.post("/language")
@public(rate_limited=True)
def language() -> Any:
    """Switch the language from a page with no step form (the welcome and results pages)."""
    _switch_language()
    target = request.form.get("next", "")
    if target in A.STEPS:
        return redirect(url_for("kiosk.step", name=target), code=303)
    if target in ("results", "print", "contact"):
        return redirect(url_for(f"kiosk.{target}" if target != "contact" else "kiosk.results"), code=303)
    return redirect(url_for("kiosk.welcome"), code=303)


@bp.get("/step/<name>")
@public(rate_limited=True)
def step(name: str) -> Any:
    if name not in A.STEPS:
        abort(404)
    answers = _answers()
    return _render_step(name, A.step_values(answers, name), {}, answers)


@bp.post("/step/<name>")
@public(rate_limited=True)
def save_step(name: str) -> Any:
    if name not in A.STEPS:
        abort(404)
    result = A.parse_step(name, request.form)
    if _switch_language() is not None:  # keep what is on the screen, errors and all, in the other language
        _save(name, result.values, done=result.ok and A.complete(_answers(), name))
        return redirect(url_for("kiosk.step", name=name), code=303)
    if "back" in request.form:
        _save(name, result.values, done=False)
        previous = _previous_step(name)
        return redirect(url_for("kiosk.step", name=previous) if previous else url_for("kiosk.welcome"), code=303)
    if "skip" in request.form and name == "private":
        _save(name, dict(A.DEFAULTS["private"]), done=True)
        return redirect(url_for("kiosk.results"), code=303)
    answers = _answers()
    if not result.ok:
        _save(name, result.values, done=False)
        return _render_step(name, result.values, result.errors, _answers(), status=422)
    if name in A.JOB_FIELDS:
        values, unmatched = _did_you_mean(name, result.values)
        if unmatched and "confirmed" not in request.form:
            _save(name, values, done=False)
            return _render_step(name, values, {}, _answers(), unmatched=unmatched)
        result.values = values
    _save(name, result.values, done=True)
    following = _next_step(name)
    del answers
    return redirect(url_for("kiosk.step", name=following) if following else url_for("kiosk.results"), code=303)


def _did_you_mean(step: str, values: dict[str, Any]) -> tuple[dict[str, Any], list[Any]]:
    """Apply the suggestions a person picked; then the step's words still not understood, with suggestions.

    A skill is replaced by the name picked; a job (the last one, the one wanted) keeps its words and
    gains the occupation code picked (``use_job``), since an occupation's name typed back is not always
    coded to it.
    """
    if step == "skills":
        skills = A.split_skills(values["skills"])
        picked = {k[len("use_"):]: v for k, v in request.form.items() if k.startswith("use_") and v}
        picked.pop("job", None)
        if picked:
            renamed = []
            for i, text in enumerate(skills):
                choice = A.clean_text(picked.get(str(i), ""))
                renamed.append(choice if choice else text)
            values = {**values, "skills": ", ".join(dict.fromkeys(renamed))}
    job = A.JOB_FIELDS[step]
    if "use_job" in request.form:  # "keep what I typed" sends it empty
        values = {**values, f"{job}_code": A.occupation_code(request.form, "use_job")}
    taxonomy = services().runtime.snapshot().recommender.base.taxonomy_
    resolved = resolve_free_text({step: values}, taxonomy)
    # A pick holds only while the words alone are not understood and it is one of their suggestions:
    # resolve_free_text says when it applied one; any other stored code is dropped, not kept unused.
    if job not in resolved.picked:
        values = {**values, f"{job}_code": ""}
    index = {t.casefold(): i for i, t in enumerate(A.split_skills(values.get("skills", "")))}
    return values, [(index.get(u.text.casefold(), -1) if u.field == "skills" else "job", u)
                    for u in resolved.unmatched if u.suggestions]


def _render_step(name: str, values: dict[str, Any], errors: dict[str, str], answers: dict[str, Any], *,
                 unmatched: list[Any] | None = None, status: int = 200) -> Any:
    from .answers import EDUCATION, SECTORS, TIMES, TRAVEL

    body = render_template(
        f"kiosk/step_{name}.html", step=name, values=values, errors=errors, answers=answers,
        steps=A.STEPS, titles=A.STEP_TITLES, number=A.STEPS.index(name) + 1, total=len(A.STEPS),
        done={s: A.complete(answers, s) for s in A.STEPS}, unmatched=unmatched or [],
        sectors=SECTORS, icons_by_value={s.value: SECTOR_ICONS[s] for s in SECTORS}, education=EDUCATION,
        travel=TRAVEL, times=TIMES,
        barriers=A.BARRIERS, language_choices=A.LANGUAGE_CHOICES, field_order=A.FIELD_ORDER[name])
    return body, status


@bp.get("/results")
@public(rate_limited=True)
def results() -> Any:
    answers = _answers()
    missing = A.first_incomplete(answers)
    if missing is not None:
        return redirect(url_for("kiosk.step", name=missing), code=303)
    return render_template("kiosk/results.html", **_results_context(answers))


def _results_context(answers: dict[str, Any]) -> dict[str, Any]:
    snapshot = services().runtime.snapshot()
    top = current_app.extensions["kiosk"].top
    found, resolved, profile = recommend(snapshot, answers, language=g.kiosk_lang, top=top)
    result = found.result
    return {"result": result, "cards": cards(result, snapshot.catalog), "resolved": resolved, "profile": profile,
            "answers": answers, "target": result.target_wage, "steps": A.STEPS, "titles": A.STEP_TITLES}


@bp.get("/print")
@public(rate_limited=True)
def print_page() -> Any:
    """The results on one plain page, for the printer (the browser's own print dialog)."""
    answers = _answers()
    if A.first_incomplete(answers) is not None:
        return redirect(url_for("kiosk.welcome"), code=303)
    return render_template("kiosk/print.html", **_results_context(answers))


@bp.post("/coach")
@public(rate_limited=True)
def coach() -> Any:
    """"Show this to a coach": a reference code, and the answers saved behind it only if the person chose so."""
    answers = _answers()
    if A.first_incomplete(answers) is not None:
        return redirect(url_for("kiosk.welcome"), code=303)
    if _switch_language() is not None and request.form.get("code"):
        # The same code page in the other language: the code names only a list of programs.
        try:
            shown = _kiosk_store().saved_list(request.form["code"])
        except MatcherError:
            return redirect(url_for("kiosk.results"), code=303)
        return render_template("kiosk/coach.html", code=show_code(shown.code), saved_answers=shown.answers is not None,
                               expires=shown.expires_on)
    if "confirm" not in request.form:
        return render_template("kiosk/coach.html", code=None)
    context = _results_context(answers)
    snapshot = services().runtime.snapshot()
    save_answers = request.form.get("save_answers") == "yes"
    profile = context["profile"] if save_answers else None
    saved = _kiosk_store().save_list([c.program_id for c in context["cards"]],
                                     catalog_version=snapshot.catalog_version, language=g.kiosk_lang,
                                     answers=profile)
    return render_template("kiosk/coach.html", code=show_code(saved.code), saved_answers=save_answers,
                           expires=saved.expires_on, **context)


@bp.post("/contact")
@public(rate_limited=True)
def contact() -> Any:
    """"Ask a coach to contact me": the form, then (with consent) the stored request."""
    answers = _answers()
    if A.first_incomplete(answers) is not None:
        return redirect(url_for("kiosk.welcome"), code=303)
    program_id = A.clean_text(request.form.get("program", ""))[:80] or None
    snapshot = services().runtime.snapshot()
    program = None
    if program_id:
        try:
            program = snapshot.catalog.get(program_id)
        except NotFoundError:
            program_id = None
    values = {k: A.clean_text(request.form.get(k, ""), 254) for k in ("name", "phone", "email", "best_time",
                                                                       "contact_method")}
    _switch_language()
    words = {"consent_text": consent_words(), "include_text": include_words()}
    if "send" not in request.form:
        return render_template("kiosk/contact.html", program=program, values=values, errors={}, **words)
    details = ContactDetails.check(name=values["name"], contact_method=values["contact_method"],
                                   phone=values["phone"], email=values["email"], best_time=values["best_time"])
    errors = {name: _contact_error(name, code) for name, code in details.problems}
    if request.form.get("consent") != "yes":
        errors["consent"] = _("To send your request, tick the box to say a coach may contact you.")
    if errors:
        return render_template("kiosk/contact.html", program=program, values=values, errors=errors, **words), 422
    context = _results_context(answers)
    include = request.form.get("include_answers") == "yes"
    profile = context["profile"] if include else None
    consent = f"{CONSENT_VERSION} [{g.kiosk_lang}] {consent_words()}"
    if include:
        consent += " | " + include_words()
    stored = _kiosk_store().add_contact_request(
        details, consent=consent, language=g.kiosk_lang, program_id=program_id,
        program_ids=[c.program_id for c in context["cards"]], answers=profile)
    return render_template("kiosk/contact_sent.html", program=program, request_id=stored.id,
                           method=details.contact_method)


def consent_words() -> str:
    return _("I agree that a career coach from this WorkSource center may contact me about training, using "
             "the details above. My details are kept for %(days)d days, then deleted.",
             days=services().settings.kiosk_keep_days)


def include_words() -> str:
    return _("Also share my answers so the coach can see my list.")


def _contact_error(name: str, code: str) -> str:
    if code == "required" and name == "name":
        return _("Please tell us your name, or a name we can ask for.")
    if code == "required" and name == "phone":
        return _("Please give a phone number, or choose email.")
    if code == "required" and name == "email":
        return _("Please give an email address, or choose phone.")
    if code == "phone":
        return _("A phone number has 10 digits, like 503-555-0123.")
    if code == "email":
        return _("An email address looks like name@example.com.")
    if code == "method":
        return _("Choose how the coach should contact you.")
    return _("This is too long. Please make it shorter.")


@bp.post("/start-over")
@public(rate_limited=True)
def start_over() -> Any:
    """Forget everything: the cookie is deleted and the browser told to clear this site's storage and cache."""
    session.clear()
    response = redirect(url_for("kiosk.welcome"), code=303)
    response.headers["Clear-Site-Data"] = '"cache", "cookies", "storage"'
    return response


@bp.get("/timeout")
@public(rate_limited=True)
def timeout() -> Any:
    """Where an idle page goes after the inactivity limit (by script, or by a meta refresh without one)."""
    # The page's script and the cookie's expiry run on the same clock, and Fernet counts whole seconds: the
    # cookie can be a moment past the limit when the page gets here, its answers already dropped.
    had_answers = bool(_answers()) or bool(getattr(session, "expired_with_answers", False))
    session.clear()
    response = redirect(url_for("kiosk.welcome"), code=303)
    response.headers["Clear-Site-Data"] = '"cache", "storage"'
    if had_answers:
        session["notice"] = "cleared"
    return response


@bp.post("/keepalive")
@public(rate_limited=True)
def keepalive() -> Response:
    """The person is still using the page (the script saw them type): the cookie is re-issued, nothing else."""
    return Response(status=204)


@bp.app_template_filter("kiosk_pair")
def _pair(value: str, words: dict[str, str]) -> tuple[str, str]:
    return value, words[value]


@bp.app_context_processor
def _helpers() -> dict[str, Any]:
    from flask_babel import format_date

    from matcher.wording import wage

    return {"wage_words": wage, "format_day": lambda d: format_date(d, format="long"),
            "keep_days": services().settings.kiosk_keep_days}


@bp.post("/suggest")
@public(rate_limited=True)
def suggest() -> Any:
    """Skill autocomplete for the skills box (POST: what is typed never goes in a URL)."""
    from matcher.taxonomy import load_taxonomy

    text = A.clean_text(request.form.get("q", ""))[:A.MAX_TEXT]
    if len(text) < 2:
        return jsonify({"results": []})
    hits = load_taxonomy().search_skills(text, limit=8)
    return jsonify({"results": [{"id": s.id, "name": s.name} for s, _score in hits]})


def _kiosk_store() -> KioskStore:
    return current_app.extensions["kiosk"].store


def handle_library_error(exc: MatcherError) -> Any:
    """A library error inside a kiosk page: a friendly page, never a stack trace or the error's words."""
    from ..errors import status_of

    status = status_of(exc)
    if status == 413:
        return render_template("kiosk/error.html", status=413, title=_("That is too much text"),
                               message=_("Please go back and shorten your answers.")), 413
    return render_template("kiosk/error.html", status=503, title=_("Something went wrong"),
                           message=_("We could not finish this. Please try again, or ask staff for help.")), 503
