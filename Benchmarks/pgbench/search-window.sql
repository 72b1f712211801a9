-- The blocks of a window of hours of the search index at an office, for the ceiling
-- (search.sql), as SearchWindow.blocks (Sources/OversightStore/Cases/SearchWindow.swift) makes
-- them and with the tags case_search_blocks (Schema/0029) gives cases: about `width` hours just
-- below hour `below`, as at most eight whole blocks, newest first, and the first hour they
-- cover. Made by scripts/bench; SearchWindowTests holds it to the Swift.
CREATE OR REPLACE FUNCTION bench_search_window(office text, below bigint, width bigint, OUT tags int8[], OUT low bigint)
    LANGUAGE plpgsql IMMUTABLE AS $$
DECLARE
    levels int[] := '{15,12,9,6,3,0}';
    level int;
    scale int := 0;
    edge bigint;
    base bigint := (1::bigint << 62) + (('x' || left(md5(office), 5))::bit(20)::bigint << 26);
BEGIN
    FOREACH level IN ARRAY levels LOOP
        IF (1::bigint << level) <= width THEN scale := level; EXIT; END IF;
    END LOOP;
    edge := ((below - width) >> scale) << scale;
    tags := '{}';
    low := below;
    WHILE low > edge AND cardinality(tags) < 8 LOOP
        FOREACH level IN ARRAY levels LOOP
            EXIT WHEN low % (1::bigint << level) = 0 AND low - (1::bigint << level) >= edge;
        END LOOP;
        tags := tags || -(base + ((level / 3)::bigint << 22) + ((low >> level) - 1));
        low := low - (1::bigint << level);
    END LOOP;
END $$;
