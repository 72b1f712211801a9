-- Search reads its index newest first a window of time at a time (CaseStore.search,
-- SearchReading), each window as wide as the matches read so far say it needs. Blocks of weeks
-- (0028) were too coarse where filings crowd (a week of 50,000 cases made a common word's first
-- window read every one of its 500 matches to keep ten), and the index did not know the office,
-- so a window read every office's matches only to drop those of offices the reader does not
-- work in. A case's tags now gain, for its office, the hour it was opened in and the blocks of
-- 8, 64, 512, 4,096 and 32,768 hours around it (hours since 1970-01-01), and one tag for the
-- office alone (for the last window, every older hour). Office and opened_at are in clear in
-- the same row: the tags tell an index reader nothing more.
--
-- A tag is -(2^62 + office * 2^26 + level * 2^22 + number): office is the first 20 bits of the
-- MD5 of its code (two offices sharing them only add candidates the office filter drops),
-- level 0 to 5 (blocks of 8^level hours; 7 for the office alone) and number the block's first
-- hour shifted right by 3 * level. A word's tag is the first 8 bytes of an HMAC: it meets one
-- of these with odds of about 10^-12 over a million distinct blocks.
CREATE FUNCTION case_search_blocks(office text, opened timestamptz) RETURNS bigint[]
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
    AS $$ SELECT ARRAY[-(base + hour), -(base + (1::bigint << 22) + (hour >> 3)), -(base + (2::bigint << 22) + (hour >> 6)),
                       -(base + (3::bigint << 22) + (hour >> 9)), -(base + (4::bigint << 22) + (hour >> 12)),
                       -(base + (5::bigint << 22) + (hour >> 15)), -(base + (7::bigint << 22))]
          FROM (SELECT (1::bigint << 62) + (('x' || left(md5(office), 5))::bit(20)::bigint << 26) AS base,
                       floor(extract(epoch FROM opened) / 3600)::bigint AS hour) block $$;

CREATE INDEX case_search_tags_by_block ON case_search USING gin ((tags || case_search_blocks(office, opened_at)));
DROP INDEX case_search_tags_by_week;
DROP FUNCTION case_search_weeks(timestamptz);
