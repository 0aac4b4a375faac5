-- Accounts: one-time links (password reset, invitations) and the outbox
-- every email leaves through. Sessions live in tower_sessions, created by
-- the session store itself.

ALTER TABLE users ADD COLUMN last_sign_in_at TEXT;

-- Only the SHA-256 of a link's token is kept: a copy of the database does
-- not hand out working links.
CREATE TABLE account_links (
    id          INTEGER PRIMARY KEY,
    user_id     INTEGER NOT NULL REFERENCES users(id),
    purpose     TEXT NOT NULL CHECK (purpose IN ('reset', 'invite')),
    token_hash  TEXT NOT NULL UNIQUE,
    expires_at  TEXT NOT NULL,
    used_at     TEXT,
    created_at  TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))
);
CREATE INDEX account_links_user ON account_links(user_id);

-- Written in the same transaction as the change that causes the email;
-- a background task delivers it (SMTP, or .eml files when none is set).
CREATE TABLE outbox (
    id               INTEGER PRIMARY KEY,
    organisation_id  INTEGER NOT NULL REFERENCES organisations(id),
    to_address       TEXT NOT NULL,
    subject          TEXT NOT NULL,
    body             TEXT NOT NULL,
    created_at       TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')),
    sent_at          TEXT,
    attempts         INTEGER NOT NULL DEFAULT 0,
    last_error       TEXT
);
CREATE INDEX outbox_unsent ON outbox(id) WHERE sent_at IS NULL;
