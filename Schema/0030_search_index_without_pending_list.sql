-- Every scan of a GIN index reads its whole pending list (fastupdate): under a stream of
-- filings the list held up to 4 MB, and each window of a search read it again (on the bench's
-- million cases: 9.2 ms a search with 237 pages pending, 3.9 ms once merged; 6.2-6.8 ms against
-- 3.1 ms while one client files, with the filings' rate unchanged). A filing writes its few
-- dozen entries into the index itself instead. The bulk loader turns the list on for each
-- batch and merges it at the batch's end (BulkCaseLoad).
ALTER INDEX case_search_tags_by_block SET (fastupdate = off);
SELECT gin_clean_pending_list('case_search_tags_by_block'::regclass);
