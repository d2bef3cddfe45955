-- What a reprint did (republish, excerpt, ...): its verdict depends on it, so it is kept.
ALTER TABLE reprints ADD COLUMN action TEXT NOT NULL DEFAULT 'republish';
