/** What LoadMore needs of a paged query (react-query's useInfiniteQuery result). */
interface Pages {
  hasNextPage: boolean;
  isFetchingNextPage: boolean;
  fetchNextPage: () => Promise<unknown>;
}

/** The button under a paged list that fetches its next page; absent on the last page. */
export function LoadMore({ pages, label = "Load more" }: { pages: Pages; label?: string }) {
  if (!pages.hasNextPage) return null;
  return (
    <button
      type="button"
      className="load-more"
      onClick={() => void pages.fetchNextPage()}
      disabled={pages.isFetchingNextPage}
    >
      {pages.isFetchingNextPage ? "Loading…" : label}
    </button>
  );
}
