ALTER TABLE reprints DROP COLUMN action;
