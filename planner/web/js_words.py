"""The words the scripts say (static/*.js), in the language of the page: each script's table,
given to it as JSON in a data-words attribute of its <script> tag (no inline script: the
Content-Security-Policy forbids it). A script falls back to its own English when a word is
missing. `%(name)s` in a text is filled in by the script."""

from __future__ import annotations

import json

from markupsafe import Markup

from planner.i18n import N_, gettext

WORDS = {
    "offline": {
        "waiting": N_("Saved on this phone, will send"),
        "stale": N_("This page was made for an earlier sign-in. Reload the page to send it."),
        "unsaved": N_("Could not save this tap on the phone: tap again."),
        "refused": N_("The planner did not take it."),
        "notSaved": N_("Not saved:"),
        "box": N_("Taps not saved"),
        "signIn": N_("Sign in"),
        "dismiss": N_("Dismiss"),
        "heldOne": N_("1 tap is saved on this phone but not sent."),
        "heldMany": N_("%(num)s taps are saved on this phone but not sent."),
        "tappedAt": N_("tapped at %(time)s"),
        "aTask": N_("A task"),
        "done": N_("marked done"),
        "open": N_("marked not done"),
        "notToday": N_("marked not today"),
        "tapped": N_("tapped"),
        # For the service worker (static/sw.js), which reads them from the kept page.
        "offlineAsOf": N_("Offline: shown as of %(time)s."),
        "offlineTaps": N_("Taps are saved on this phone and sent when the connection is back."),
        "offlineOn": N_("on %(day)s"),
        "offlineTitle": N_("You are offline"),
        "offlineBody": N_(
            "This page is not kept on this phone. It opens again when the connection is back."
        ),
        "offlineToday": N_("Today, as last seen"),
        "offlineUrgent": N_("Urgent symptoms: what to do now"),
        "pushTitle": N_("Your plan"),
        "pushBody": N_("Open the planner to see it."),
    },
    "enhance": {
        "copied": N_("Copied. Paste it into a message or an email."),
        "notCopied": N_("Could not copy. Select the link and copy it by hand."),
    },
    "reminders": {
        "cannot": N_("This browser cannot take notifications here. Email still works."),
        "denied": N_(
            "Notifications were not allowed. You can allow them in the browser's site settings."
        ),
        "on": N_("Notifications are on for this device."),
        "notOn": N_("Notifications could not be turned on: %(why)s"),
        "off": N_("Notifications are off for this device."),
        "notOff": N_("Notifications could not be turned off: %(why)s"),
        "answered": N_("The planner answered %(status)s"),
    },
}


def js_words(script: str) -> Markup:
    """The script's words in the current language, as JSON for a data-words attribute."""
    said = {key: gettext(text) for key, text in WORDS[script].items()}
    return Markup.escape(json.dumps(said, ensure_ascii=False))
