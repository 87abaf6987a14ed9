"""Messages that reach pages from Python (error titles and details raised by page routes).

Page errors, page titles, notices and form errors are passed to templates as English text (the
same words the API's problem+json uses). `render`, `error_page` and the templates' `known`
filter translate them at render time by looking the English text up in the interface language's
catalogue (`TRANSLATED_CONTEXT` in `credex.web.templating`), so the routers that raise or pass
them stay unchanged. Listing them here with `N_` is what puts them into the catalogues: keep
this list in step when a page route gains a new message (an unlisted one shows in English).
"""

from __future__ import annotations

from credex.i18n import N_

PAGE_MESSAGES = (
    # problem titles (credex.errors and friends)
    N_("Invalid input"),
    N_("Authentication required"),
    N_("Not allowed"),
    N_("Not found"),
    N_("Conflict"),
    N_("Payload too large"),
    N_("Too many requests"),
    N_("Not acceptable"),
    N_("Mail could not be sent"),
    N_("Bad request"),
    N_("Form expired"),
    N_("Link not available"),
    # details
    N_("There is nothing at this address."),
    N_("The form was incomplete."),
    N_("These pages are for administrators only."),
    N_("The form could not be verified. Reload the page and try again."),
    N_("This token is valid but it is not an admin token."),
    N_("This share link does not exist, has expired or was revoked."),
    N_("There is no published micro-credential at this address."),
    N_("There is no issuer at this address."),
    # page titles
    N_("Verify a credential"),
    N_("My wallet"),
    N_("My account"),
    N_("Account deleted"),
    N_("Edit framework"),
    N_("New framework"),
    N_("Frameworks"),
    N_("Import a framework"),
    N_("Competency frameworks"),
    N_("Sign in"),
    N_("Edit competency"),
    N_("Add a competency"),
    N_("Sign in to your wallet"),
    N_("Check your e-mail"),
    N_("Open your wallet"),
    N_("Learning pathway progress"),
    # notices and form errors
    N_("The framework was created as a draft."),
    N_("The file was imported as a new draft framework."),
    N_("Your changes were saved."),
    N_("Published: the framework is public and can no longer be changed."),
    N_("Retired: existing references stay valid; no new ones should be made."),
    N_("A new draft version was created with a copy of every competency."),
    N_("The framework was deleted."),
    N_("The competency was added."),
    N_("The competency was saved."),
    N_("The competency was deleted."),
    N_("Enter an e-mail address like name@example.org."),
    N_("This sign-in link has expired or was already used. Ask for a new one."),
    N_("Choose a file (JSON, VC-JWT or badge image) or give its address."),
    N_("The file is larger than 5 MB."),
    N_("Type DELETE to confirm."),
    N_("This token is not valid (unknown, expired or revoked)."),
    # verification page: facts and form errors (`credex.web.verify_page`)
    N_("Achievement"),
    N_("Issued (valid from)"),
    N_("No end date"),
    N_("Enter an email address like name@example.org, or leave it empty."),
    N_("Paste a credential, upload a file or enter a web address."),
    N_("Use one way at a time: paste, upload or web address."),
    N_("Enter a web address starting with https://"),
)
