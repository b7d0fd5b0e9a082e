"""The pages, one blueprint per area: login, year (clerks), applicant and search (reviewers), archive
(archivists), files (downloads and page images)."""
