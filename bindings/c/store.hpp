/*
 * store.hpp — header-only C++17 wrapper over the store C ABI (store.h).
 *
 * - Inputs are std::string_view (any bytes, including NUL); outputs are
 *   std::string, copied out of the library's buffers, which are freed at once.
 * - Every failure throws store::error, carrying the status and the library's
 *   message (read on the failing thread right after the call).
 * - Handles are move-only RAII classes: db, scope, txn, iter, watch,
 *   subscription. A moved-from object is empty; calls on it throw
 *   STORE_INVALID_ARGUMENT.
 * - Thread safety follows store.h: db and scope may be shared across threads;
 *   txn, iter and a watch's reader are used by one thread at a time.
 *
 * Link with -lstore (CMake: store::shared or store::static).
 */
#ifndef STORE_HPP
#define STORE_HPP

#include <store.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstring>
#include <exception>
#include <functional>
#include <iterator>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace store {

/** A failed call: the status and the library's "op: message: cause" text. */
class error : public std::runtime_error {
public:
    error(store_status status, const std::string &message) : std::runtime_error(message), status_(status) {}

    /** The native status code. */
    store_status status() const noexcept { return status_; }

    /** The static name of the status, e.g. "STORE_NOT_FOUND". */
    const char *status_name() const noexcept { return store_status_str(static_cast<uint32_t>(status_)); }

private:
    store_status status_;
};

/** Namespace limits (0 = unlimited), as store_quota without its struct_size. */
struct quota {
    int64_t max_keys = 0;    ///< Live keys across the namespace.
    int64_t max_groups = 0;  ///< Distinct groups with live keys.
    int64_t max_bytes = 0;   ///< Sum of key and value byte lengths of live rows.

    /** The C struct, sized for this header. */
    store_quota native() const noexcept {
        store_quota q = STORE_QUOTA_INIT;
        q.max_keys = max_keys;
        q.max_groups = max_groups;
        q.max_bytes = max_bytes;
        return q;
    }
};

/** What a namespace holds (live rows only), as store_usage. */
struct usage {
    int64_t keys = 0;    ///< Live keys.
    int64_t groups = 0;  ///< Distinct groups with live keys.
    int64_t bytes = 0;   ///< Sum of key and value byte lengths.
};

/** Library version string of the loaded library, "MAJOR.MINOR.PATCH". */
inline std::string version() { return store_version(); }

namespace detail {

/** Throws for a failed status. Must run before any other store call on this thread. */
inline void check(store_status status) {
    if (status != STORE_OK) {
        const char *message = store_last_error();
        throw error(status, message && *message ? message : store_status_str(static_cast<uint32_t>(status)));
    }
}

inline const uint8_t *ptr(std::string_view s) noexcept { return reinterpret_cast<const uint8_t *>(s.data()); }

inline std::string copy(const store_slice &s) {
    return s.len ? std::string(reinterpret_cast<const char *>(s.ptr), s.len) : std::string();
}

/** Copies and frees an owned byte string. */
inline std::string take(store_bytes &b) {
    struct guard {
        store_bytes &b;
        ~guard() { store_bytes_free(&b); }
    } g{b};
    return b.len ? std::string(reinterpret_cast<const char *>(b.ptr), b.len) : std::string();
}

/** Copies and frees an owned key/value list. */
inline std::vector<std::pair<std::string, std::string>> take(store_pairs &list) {
    struct guard {
        store_pairs &l;
        ~guard() { store_pairs_free(&l); }
    } g{list};
    std::vector<std::pair<std::string, std::string>> out;
    out.reserve(list.len);
    for (size_t i = 0; i < list.len; i++) out.emplace_back(copy(list.items[i].key), copy(list.items[i].value));
    return out;
}

/** Copies and frees an owned string list. */
inline std::vector<std::string> take(store_strings &list) {
    struct guard {
        store_strings &l;
        ~guard() { store_strings_free(&l); }
    } g{list};
    std::vector<std::string> out;
    out.reserve(list.len);
    for (size_t i = 0; i < list.len; i++) out.push_back(copy(list.items[i]));
    return out;
}

/** A unique_ptr whose deleter is a store_*_free function. */
template <class T, void (*Free)(T *)>
struct deleter {
    void operator()(T *p) const noexcept { Free(p); }
};
template <class T, void (*Free)(T *)>
using handle = std::unique_ptr<T, deleter<T, Free>>;

/** store_unsubscribe takes the handle's address and NULLs it. */
inline void unsubscribe(store_subscription *s) noexcept { store_unsubscribe(&s); }

}  // namespace detail

/** One committed change, copied out of the library. */
struct event {
    uint32_t kind = STORE_EVENT_SET;  ///< STORE_EVENT_SET, STORE_EVENT_DELETE or STORE_EVENT_DELETE_GROUP.
    std::string group;                ///< Namespace-local for scoped views.
    std::string key;                  ///< Empty for delete-group.
    std::string value;                ///< Empty unless kind is set.
    int64_t timestamp_ms = 0;         ///< Unix milliseconds.
    uint64_t seq = 0;                 ///< Commit-order sequence number (strictly increasing per store).

    /** "set", "delete" or "delete_group". */
    const char *kind_name() const noexcept { return store_event_kind_str(kind); }

    static event from(const store_event &e) {
        return event{e.kind, detail::copy(e.group), detail::copy(e.key), detail::copy(e.value), e.timestamp_ms, e.seq};
    }
};

/**
 * An iterator handle over a group's live rows in key order; also a
 * single-pass range: `for (auto &[key, value] : db.iterate("g"))`. Rows are
 * copied, and no database connection is held between rows, so the loop body
 * may use the store.
 */
class iter {
public:
    using row = std::pair<std::string, std::string>;

    explicit iter(store_iter *raw) : h_(raw) {}

    /** Reads the next row into key/value; false at the end. */
    bool next(std::string &key, std::string &value) {
        store_slice k{}, v{};
        bool has_row = false;
        detail::check(store_iter_next(h_.get(), &k, &v, &has_row));
        if (has_row) {
            key = detail::copy(k);
            value = detail::copy(v);
        }
        return has_row;
    }

    /** Input iterator for range-for; advancing may throw store::error. */
    class iterator {
    public:
        using iterator_category = std::input_iterator_tag;
        using value_type = row;
        using difference_type = std::ptrdiff_t;
        using pointer = const row *;
        using reference = const row &;

        iterator() = default;
        explicit iterator(iter *owner) : owner_(owner) { advance(); }

        reference operator*() const { return current_; }
        pointer operator->() const { return &current_; }
        iterator &operator++() {
            advance();
            return *this;
        }
        bool operator==(const iterator &o) const { return owner_ == o.owner_; }
        bool operator!=(const iterator &o) const { return owner_ != o.owner_; }

    private:
        void advance() {
            if (owner_ && !owner_->next(current_.first, current_.second)) owner_ = nullptr;
        }
        iter *owner_ = nullptr;
        row current_;
    };

    iterator begin() { return iterator(this); }
    iterator end() { return iterator(); }

private:
    detail::handle<store_iter, store_iter_free> h_;
};

/**
 * A registered callback. The std::function is owned by the library until it
 * calls the release function (after unsubscribe or store close), which
 * deletes it. Exceptions thrown by the callback never reach the library: they
 * are counted and passed to the optional error handler.
 */
class subscription {
public:
    using handler = std::function<void(const event &)>;
    using error_handler = std::function<void(std::exception_ptr)>;

    subscription() = default;

    /** Unsubscribes (waiting for running calls unless inside the callback). */
    void reset() noexcept { h_.reset(); }

    /** How many times the callback threw. */
    uint64_t failures() const noexcept { return state_ ? state_->failures.load() : 0; }

    /** Subscribes through any store or scoped store view; used by db/scope::subscribe. */
    static subscription open(store_kv *kv, std::string_view group, handler on_event, error_handler on_error) {
        auto state = std::make_shared<shared>();
        state->on_event = std::move(on_event);
        state->on_error = std::move(on_error);
        // The library owns this heap copy of the shared state until release().
        auto *user_data = new std::shared_ptr<shared>(state);
        store_subscription *raw = nullptr;
        // On failure the library has already called release(user_data).
        detail::check(store_subscribe(kv, detail::ptr(group), group.size(), &dispatch, user_data, &release, &raw));
        subscription s;
        s.h_.reset(raw);
        s.state_ = std::move(state);
        return s;
    }

private:
    struct shared {
        handler on_event;
        error_handler on_error;
        std::atomic<uint64_t> failures{0};
    };

    static void dispatch(void *user_data, const store_event *e) noexcept {
        auto &state = **static_cast<std::shared_ptr<shared> *>(user_data);
        try {
            state.on_event(event::from(*e));
        } catch (...) {
            state.failures++;
            if (state.on_error) {
                try {
                    state.on_error(std::current_exception());
                } catch (...) {
                    // The error handler's own failure has nowhere else to go.
                }
            }
        }
    }

    // Frees the callbacks (and whatever they captured) as soon as the library is
    // done with them, even while the subscription object still exists.
    static void release(void *user_data) noexcept {
        auto *state = static_cast<std::shared_ptr<shared> *>(user_data);
        (*state)->on_event = nullptr;
        (*state)->on_error = nullptr;
        delete state;
    }

    detail::handle<store_subscription, detail::unsubscribe> h_;
    std::shared_ptr<shared> state_;
};

/** A bounded event queue (go-store Watch). One thread reads; any thread may close. */
class watch {
public:
    explicit watch(store_watch *raw) : h_(raw) {}

    /**
     * The next event, waiting up to `timeout` (zero polls, negative waits
     * forever); std::nullopt on timeout. Throws STORE_CLOSED once the queue is
     * closed and drained.
     */
    std::optional<event> next(std::chrono::milliseconds timeout) {
        store_event e = STORE_EVENT_INIT;
        store_status st = store_watch_next(h_.get(), timeout.count(), &e);
        if (st == STORE_TIMEOUT) return std::nullopt;
        detail::check(st);
        return event::from(e);
    }

    /** Events dropped because the queue was full. */
    uint64_t dropped() const noexcept { return store_watch_dropped(h_.get()); }

    /** Stops delivery; buffered events stay readable; wakes a blocked reader. */
    void close() noexcept { store_watch_close(h_.get()); }

private:
    detail::handle<store_watch, store_watch_free> h_;
};

/**
 * The key-value operations shared by db, scope and txn, over a store_kv view
 * borrowed from the derived object's handle.
 */
class kv_view {
public:
    /** The value at (group, key); throws STORE_NOT_FOUND when absent or expired. */
    std::string get(std::string_view group, std::string_view key) const {
        store_bytes out{};
        detail::check(store_get(kv_, detail::ptr(group), group.size(), detail::ptr(key), key.size(), &out));
        return detail::take(out);
    }

    /** The value at (group, key), or std::nullopt when absent or expired. */
    std::optional<std::string> try_get(std::string_view group, std::string_view key) const {
        store_bytes out{};
        store_status st = store_get(kv_, detail::ptr(group), group.size(), detail::ptr(key), key.size(), &out);
        if (st == STORE_NOT_FOUND) return std::nullopt;
        detail::check(st);
        return detail::take(out);
    }

    /** Writes (group, key) = value with no expiry. */
    void set(std::string_view group, std::string_view key, std::string_view value) const {
        detail::check(store_set(kv_, detail::ptr(group), group.size(), detail::ptr(key), key.size(), detail::ptr(value),
                                value.size()));
    }

    /** Writes (group, key) = value expiring after ttl (zero or negative: already expired). */
    void set_with_ttl(std::string_view group, std::string_view key, std::string_view value,
                      std::chrono::milliseconds ttl) const {
        detail::check(store_set_with_ttl(kv_, detail::ptr(group), group.size(), detail::ptr(key), key.size(),
                                         detail::ptr(value), value.size(), ttl.count()));
    }

    /** Deletes (group, key); a missing key is not an error. */
    void del(std::string_view group, std::string_view key) const {
        detail::check(store_delete(kv_, detail::ptr(group), group.size(), detail::ptr(key), key.size()));
    }

    /** Whether a live row exists at (group, key). */
    bool exists(std::string_view group, std::string_view key) const {
        bool out = false;
        detail::check(store_exists(kv_, detail::ptr(group), group.size(), detail::ptr(key), key.size(), &out));
        return out;
    }

    /** Whether group has a live row. */
    bool group_exists(std::string_view group) const {
        bool out = false;
        detail::check(store_group_exists(kv_, detail::ptr(group), group.size(), &out));
        return out;
    }

    /** Live rows in group. */
    int64_t count(std::string_view group) const {
        int64_t out = 0;
        detail::check(store_count(kv_, detail::ptr(group), group.size(), &out));
        return out;
    }

    /** Live rows in groups starting with prefix (case-sensitive; empty = all). */
    int64_t count_all(std::string_view prefix = {}) const {
        int64_t out = 0;
        detail::check(store_count_all(kv_, detail::ptr(prefix), prefix.size(), &out));
        return out;
    }

    /** Deletes every row of group. */
    void delete_group(std::string_view group) const {
        detail::check(store_delete_group(kv_, detail::ptr(group), group.size()));
    }

    /** Deletes every group starting with prefix (empty = all groups of the view). */
    void delete_prefix(std::string_view prefix) const {
        detail::check(store_delete_prefix(kv_, detail::ptr(prefix), prefix.size()));
    }

    /** Live rows of group in key order. */
    std::vector<std::pair<std::string, std::string>> get_all(std::string_view group) const {
        store_pairs out{};
        detail::check(store_get_all(kv_, detail::ptr(group), group.size(), &out));
        return detail::take(out);
    }

    /** At most limit rows of group from offset, in key order. */
    std::vector<std::pair<std::string, std::string>> get_page(std::string_view group, int64_t offset,
                                                              int64_t limit) const {
        store_pairs out{};
        detail::check(store_get_page(kv_, detail::ptr(group), group.size(), offset, limit, &out));
        return detail::take(out);
    }

    /** Distinct groups with live rows starting with prefix, ascending. */
    std::vector<std::string> groups(std::string_view prefix = {}) const {
        store_strings out{};
        detail::check(store_groups(kv_, detail::ptr(prefix), prefix.size(), &out));
        return detail::take(out);
    }

    /** The value split on separator (Go strings.Split). */
    std::vector<std::string> get_split(std::string_view group, std::string_view key, std::string_view separator) const {
        store_strings out{};
        detail::check(store_get_split(kv_, detail::ptr(group), group.size(), detail::ptr(key), key.size(),
                                      detail::ptr(separator), separator.size(), &out));
        return detail::take(out);
    }

    /** The value split into whitespace-separated fields (Go strings.Fields). */
    std::vector<std::string> get_fields(std::string_view group, std::string_view key) const {
        store_strings out{};
        detail::check(store_get_fields(kv_, detail::ptr(group), group.size(), detail::ptr(key), key.size(), &out));
        return detail::take(out);
    }

    /** Renders template with group's live rows as variables. */
    std::string render(std::string_view template_text, std::string_view group) const {
        store_bytes out{};
        detail::check(store_render(kv_, detail::ptr(template_text), template_text.size(), detail::ptr(group),
                                   group.size(), &out));
        return detail::take(out);
    }

    /** Deletes the view's expired rows; returns how many. */
    int64_t purge_expired() const {
        int64_t removed = 0;
        detail::check(store_purge_expired(kv_, &removed));
        return removed;
    }

    /** An iterator (and range) over group's live rows in key order. */
    iter iterate(std::string_view group) const {
        store_iter *raw = nullptr;
        detail::check(store_iter_open(kv_, detail::ptr(group), group.size(), &raw));
        return iter(raw);
    }

    /**
     * Records a journal row (store or transaction views; a scoped view throws
     * STORE_INVALID_ARGUMENT). fields_json is a JSON object, tags_json an
     * object of strings ("" = none). Returns the entry as JSON: bucket,
     * measurement, fields, tags, committed_at (Unix ms).
     */
    std::string commit_to_journal(std::string_view measurement, std::string_view fields_json = {},
                                  std::string_view tags_json = {}) const {
        store_bytes out{};
        detail::check(store_journal_commit(kv_, detail::ptr(measurement), measurement.size(), detail::ptr(fields_json),
                                           fields_json.size(), detail::ptr(tags_json), tags_json.size(), &out));
        return detail::take(out);
    }

    /**
     * Journal rows as a JSON array: "" = every unarchived row; SELECT, WITH,
     * EXPLAIN, PRAGMA = one read-only statement; otherwise the Flux subset.
     * Unsupported input throws STORE_QUERY naming the construct and line:col.
     */
    std::string query_journal(std::string_view query) const {
        store_bytes out{};
        detail::check(store_journal_query(kv_, detail::ptr(query), query.size(), &out));
        return detail::take(out);
    }

    /** The raw view, for calling the C API directly. */
    store_kv *raw_kv() const noexcept { return kv_; }

protected:
    explicit kv_view(store_kv *kv) noexcept : kv_(kv) {}

    /** store_scope_usage on this view (a scope or scoped transaction). */
    store::usage scoped_usage() const {
        store_usage out = STORE_USAGE_INIT;
        detail::check(store_scope_usage(kv_, &out));
        return store::usage{out.keys, out.groups, out.bytes};
    }

    kv_view(kv_view &&o) noexcept : kv_(std::exchange(o.kv_, nullptr)) {}
    kv_view &operator=(kv_view &&o) noexcept {
        kv_ = std::exchange(o.kv_, nullptr);
        return *this;
    }
    kv_view(const kv_view &) = delete;
    kv_view &operator=(const kv_view &) = delete;
    ~kv_view() = default;

private:
    store_kv *kv_;
};

/** An open transaction. Destroying it rolls back unless committed. */
class txn : public kv_view {
public:
    explicit txn(store_txn *raw) : kv_view(store_txn_kv(raw)), h_(raw) {}

    /** Commits, then delivers staged events on this thread. */
    void commit() { detail::check(store_txn_commit(h_.get())); }

    /** Rolls back and discards staged events. */
    void rollback() { detail::check(store_txn_rollback(h_.get())); }

    /** Namespace usage including pending writes (scoped transactions only). */
    store::usage usage() const { return scoped_usage(); }

private:
    detail::handle<store_txn, store_txn_free> h_;
};

/** Operations shared by db and scope: events and transactions. */
class observable : public kv_view {
public:
    /** Calls on_event for each committed change to group ("*" for all). */
    subscription subscribe(std::string_view group, subscription::handler on_event,
                           subscription::error_handler on_error = nullptr) const {
        return subscription::open(raw_kv(), group, std::move(on_event), std::move(on_error));
    }

    /** A bounded event queue on group ("*" for all); capacity 0 = 16. */
    watch open_watch(std::string_view group, size_t capacity = 0) const {
        store_watch *raw = nullptr;
        detail::check(store_watch_open(raw_kv(), detail::ptr(group), group.size(), capacity, &raw));
        return watch(raw);
    }

    /** Begins a transaction; use it from this thread only. */
    txn begin() const {
        store_txn *raw = nullptr;
        detail::check(store_txn_begin(raw_kv(), &raw));
        return txn(raw);
    }

    /** Runs body(txn&) in a transaction: commits on return, rolls back if it throws. */
    template <class F>
    void transaction(F &&body) const {
        txn t = begin();
        std::forward<F>(body)(t);
        t.commit();
    }

protected:
    using kv_view::kv_view;
};

/** A namespace-scoped view of a store, with optional quotas. */
class scope : public observable {
public:
    explicit scope(store_scope *raw) : observable(store_scope_kv(raw)), h_(raw) {}

    /** The namespace. */
    std::string name() const {
        store_slice out{};
        detail::check(store_scope_namespace(h_.get(), &out));
        return detail::copy(out);
    }

    /** Current limits. */
    store::quota get_quota() const {
        store_quota out = STORE_QUOTA_INIT;
        detail::check(store_scope_get_quota(h_.get(), &out));
        return store::quota{out.max_keys, out.max_groups, out.max_bytes};
    }

    /** Replaces the limits for writes that start afterwards. */
    void set_quota(const store::quota &q) const {
        store_quota native = q.native();
        detail::check(store_scope_set_quota(h_.get(), &native));
    }

    /** Live keys, groups and bytes in the namespace. */
    store::usage usage() const { return scoped_usage(); }

private:
    detail::handle<store_scope, store_scope_free> h_;
};

/** Thrown by a medium_interface method for a path that does not exist. */
class medium_not_found : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

/** What medium_interface::stat and list report about a path. */
struct medium_file_info {
    std::string name;         ///< Base name.
    uint64_t size = 0;        ///< Length in bytes.
    uint32_t mode = 0644;     ///< Permission bits.
    int64_t modified_ms = 0;  ///< Unix milliseconds; 0 if unknown.
    bool is_dir = false;      ///< A directory.
};

/**
 * A storage backend for the database file (go-store's Medium), passed to
 * db::open: the file is read from it at open and written back at close.
 * Methods may run on any thread, several at once, and must not call the
 * store that uses them. Throw medium_not_found for a missing path; any
 * other exception's what() becomes the operation's error. The optional
 * methods throw "not supported" unless overridden.
 */
class medium_interface {
public:
    virtual ~medium_interface() = default;
    /** The whole content of a file. */
    virtual std::string read(const std::string &path) = 0;
    /** Replaces a file's content (0644 for a new file). */
    virtual void write(const std::string &path, std::string_view content) = 0;
    /** True when the path exists. */
    virtual bool exists(const std::string &path) = 0;
    /** Creates a directory and its parents. */
    virtual void ensure_dir(const std::string &path) = 0;
    /** Removes a file or an empty directory (go-store Delete). */
    virtual void delete_path(const std::string &path) = 0;
    /** Moves a file or directory. */
    virtual void rename(const std::string &old_path, const std::string &new_path) = 0;
    /** Replaces a file's content with permission bits mode. */
    virtual void write_mode(const std::string &, std::string_view, uint32_t) { unsupported("write_mode"); }
    /** True when the path is a regular file. */
    virtual bool is_file(const std::string &path) { return exists(path) && !stat(path).is_dir; }
    /** True when the path is a directory. */
    virtual bool is_dir(const std::string &path) { return exists(path) && stat(path).is_dir; }
    /** Removes a path and everything below it. */
    virtual void delete_all(const std::string &) { unsupported("delete_all"); }
    /** The entries of a directory. */
    virtual std::vector<medium_file_info> list(const std::string &) { unsupported("list"); }
    /** Facts about one path. */
    virtual medium_file_info stat(const std::string &) { unsupported("stat"); }

private:
    [[noreturn]] static void unsupported(const char *what) {
        throw std::runtime_error(std::string("medium does not implement ") + what);
    }
};

namespace detail {

/** The C callback table for a medium_interface; user_data owns a shared_ptr. */
struct medium_bridge {
    using ptr = std::shared_ptr<medium_interface>;

    static medium_interface &of(void *u) { return **static_cast<ptr *>(u); }
    static std::string text(const uint8_t *p, size_t n) { return std::string(reinterpret_cast<const char *>(p), n); }

    template <class F>
    static int32_t run(store_medium_call *call, F &&f) noexcept {
        try {
            f();
            return STORE_MEDIUM_OK;
        } catch (const medium_not_found &e) {
            store_medium_call_set_error(call, detail::ptr(e.what()), std::strlen(e.what()));
            return STORE_MEDIUM_NOT_FOUND;
        } catch (const std::exception &e) {
            store_medium_call_set_error(call, detail::ptr(e.what()), std::strlen(e.what()));
        } catch (...) {
        }
        return STORE_MEDIUM_ERROR;
    }

    template <class F>
    static int32_t test(F &&f) noexcept {
        try {
            return f() ? 1 : 0;
        } catch (...) {
            return 0;
        }
    }

    static void add(store_medium_call *call, const medium_file_info &i) {
        check(store_medium_call_add_entry(call, detail::ptr(i.name), i.name.size(), i.size, i.mode, i.modified_ms, i.is_dir));
    }

    static store_medium_vtable table(ptr medium) {
        store_medium_vtable v{};
        v.struct_size = sizeof v;
        v.user_data = new ptr(std::move(medium));
        v.release = [](void *u) { delete static_cast<ptr *>(u); };
        v.read = [](void *u, const uint8_t *p, size_t n, store_medium_call *c) {
            return run(c, [&] {
                std::string content = of(u).read(text(p, n));
                check(store_medium_call_write(c, detail::ptr(content), content.size()));
            });
        };
        v.write = [](void *u, const uint8_t *p, size_t n, const uint8_t *d, size_t dn, store_medium_call *c) {
            return run(c, [&] { of(u).write(text(p, n), std::string_view(reinterpret_cast<const char *>(d), dn)); });
        };
        v.write_mode = [](void *u, const uint8_t *p, size_t n, const uint8_t *d, size_t dn, uint32_t m, store_medium_call *c) {
            return run(c, [&] { of(u).write_mode(text(p, n), std::string_view(reinterpret_cast<const char *>(d), dn), m); });
        };
        v.ensure_dir = [](void *u, const uint8_t *p, size_t n, store_medium_call *c) {
            return run(c, [&] { of(u).ensure_dir(text(p, n)); });
        };
        v.is_file = [](void *u, const uint8_t *p, size_t n) { return test([&] { return of(u).is_file(text(p, n)); }); };
        v.delete_path = [](void *u, const uint8_t *p, size_t n, store_medium_call *c) {
            return run(c, [&] { of(u).delete_path(text(p, n)); });
        };
        v.delete_all = [](void *u, const uint8_t *p, size_t n, store_medium_call *c) {
            return run(c, [&] { of(u).delete_all(text(p, n)); });
        };
        v.rename = [](void *u, const uint8_t *a, size_t an, const uint8_t *b, size_t bn, store_medium_call *c) {
            return run(c, [&] { of(u).rename(text(a, an), text(b, bn)); });
        };
        v.list = [](void *u, const uint8_t *p, size_t n, store_medium_call *c) {
            return run(c, [&] {
                for (const auto &i : of(u).list(text(p, n))) add(c, i);
            });
        };
        v.stat = [](void *u, const uint8_t *p, size_t n, store_medium_call *c) {
            return run(c, [&] { add(c, of(u).stat(text(p, n))); });
        };
        v.exists = [](void *u, const uint8_t *p, size_t n) { return test([&] { return of(u).exists(text(p, n)); }); };
        v.is_dir = [](void *u, const uint8_t *p, size_t n) { return test([&] { return of(u).is_dir(text(p, n)); }); };
        return v;
    }
};

}  // namespace detail

/**
 * Journal rows (JSON: an array of row objects, or one object per line) as
 * InfluxDB line protocol, one line per row.
 */
inline std::string export_line_protocol(std::string_view rows_json) {
    store_bytes out{};
    detail::check(store_export_line_protocol(detail::ptr(rows_json), rows_json.size(), &out));
    return detail::take(out);
}

/** Settings for db::open (store_options), with owned strings. */
struct options {
    uint32_t synchronous = STORE_SYNC_DEFAULT;            ///< One of STORE_SYNC_*.
    std::chrono::milliseconds purge_interval{0};          ///< 0 = 60 s.
    std::string workspace_state_directory;                ///< Empty = ".core/state".
    std::string journal_endpoint_url;                     ///< All three empty = no journal.
    std::string journal_organisation;
    std::string journal_bucket_name;
    bool exclusive_locking = false;                       ///< Hold SQLite's exclusive lock.
    uint32_t reader_connections = 0;                      ///< 0 = 4.
    std::chrono::milliseconds busy_timeout{0};            ///< Wait behind another transaction; 0 = 5 s.
    uint64_t template_fuel = 0;                           ///< Render fuel; 0 = 1,000,000.
    uint64_t template_max_output = 0;                     ///< Render output bound in bytes; 0 = 16 MiB.
};

/** Settings for db::compact (store_compact_options), with owned strings. */
struct compact_options {
    std::chrono::system_clock::time_point before{};  ///< Required: archive rows committed earlier.
    std::string output;                               ///< Empty = ".core/archive/".
    std::string format;                               ///< "gzip" (default) or "zstd".
    std::chrono::milliseconds retention{0};           ///< > 0: delete archived rows older than this.
};

/** An open store; safe to share across threads. Destruction closes and frees it. */
class db : public observable {
public:
    /** Opens (creating if needed) path, or a private database for ":memory:". */
    static db open(std::string_view path, const options &opts = {}) { return open(path, nullptr, opts); }

    /**
     * Opens path with the database kept on medium (go-store WithMedium): read
     * from it at open, written back whole at close. A null medium is the local
     * filesystem. The store shares ownership of the medium until it is destroyed.
     */
    static db open(std::string_view path, std::shared_ptr<medium_interface> medium, const options &opts = {}) {
        if (store_abi_version() != STORE_ABI_VERSION)
            throw error(STORE_INTERNAL, "store: libstore ABI " + std::to_string(store_abi_version()) +
                                            " does not match store.h (" + std::to_string(STORE_ABI_VERSION) + ")");
        store_options o;
        detail::check(store_options_init(&o, sizeof o));
        o.synchronous = opts.synchronous;
        o.purge_interval_ms = opts.purge_interval.count();
        o.workspace_state_directory = slice(opts.workspace_state_directory);
        o.journal_endpoint_url = slice(opts.journal_endpoint_url);
        o.journal_organisation = slice(opts.journal_organisation);
        o.journal_bucket_name = slice(opts.journal_bucket_name);
        o.exclusive_locking = opts.exclusive_locking;
        o.reader_connections = opts.reader_connections;
        o.busy_timeout_ms = static_cast<uint32_t>(opts.busy_timeout.count());
        o.template_fuel = opts.template_fuel;
        o.template_max_output = opts.template_max_output;
        store_db *raw = nullptr;
        if (medium) {
            store_medium_vtable v = detail::medium_bridge::table(std::move(medium));
            detail::check(store_open_with_medium(detail::ptr(path), path.size(), &o, &v, &raw));
        } else {
            detail::check(store_open(detail::ptr(path), path.size(), &o, &raw));
        }
        return db(raw);
    }

    /** Closes the store (idempotent); later calls throw STORE_CLOSED. */
    void close() const { detail::check(store_close(h_.get())); }

    /** True once closed. */
    bool is_closed() const noexcept { return store_is_closed(h_.get()); }

    /** The path given to open. */
    std::string path() const {
        store_slice out{};
        detail::check(store_database_path(h_.get(), &out));
        return detail::copy(out);
    }

    /** A view under namespace (^[a-zA-Z0-9-]+$) with optional quotas. */
    scope scoped(std::string_view ns, const store::quota *q = nullptr) const {
        store_scope *raw = nullptr;
        store_quota native = q ? q->native() : store_quota(STORE_QUOTA_INIT);
        detail::check(store_scope_open(h_.get(), detail::ptr(ns), ns.size(), &native, &raw));
        return scope(raw);
    }

    /** As scoped(ns, &q). */
    scope scoped(std::string_view ns, const store::quota &q) const { return scoped(ns, &q); }

    /**
     * Archives journal rows committed before opts.before into a compressed
     * JSONL file, published atomically before the rows are marked archived.
     * Returns the archive path, or "" when no row qualified.
     */
    std::string compact(const compact_options &opts) const {
        store_compact_options o;
        detail::check(store_compact_options_init(&o, sizeof o));
        o.before_ms = std::chrono::duration_cast<std::chrono::milliseconds>(opts.before.time_since_epoch()).count();
        o.output = slice(opts.output);
        o.format = slice(opts.format);
        o.retention_ms = opts.retention.count();
        store_bytes out{};
        detail::check(store_compact(h_.get(), &o, &out));
        return detail::take(out);
    }

    /** The raw handle, for calling the C API directly. */
    store_db *raw() const noexcept { return h_.get(); }

private:
    explicit db(store_db *raw) : observable(store_db_kv(raw)), h_(raw) {}

    static store_slice slice(const std::string &s) noexcept { return store_slice{detail::ptr(s), s.size()}; }

    detail::handle<store_db, store_free> h_;
};

/** Codec of written Parquet files. */
enum class parquet_compression : uint32_t {
    zstd = STORE_PARQUET_ZSTD,      ///< Zstandard (the default).
    snappy = STORE_PARQUET_SNAPPY,  ///< Snappy.
    gzip = STORE_PARQUET_GZIP,      ///< gzip.
};

/**
 * An open DuckDB database (go-store's analytics handle); safe to share
 * across threads (calls run one at a time). Queries return the library's
 * JSON document, `{"columns":[{"name":..,"type":..}],"rows":[[..]]}`;
 * statement parameters are one JSON array, e.g. `R"([1, "x", 2.5])"`.
 * Destruction closes and frees it.
 */
class duckdb {
public:
    /** Opens an existing file read-only (a missing file throws STORE_IO). */
    static duckdb open(std::string_view path) {
        store_duckdb *raw = nullptr;
        detail::check(store_duckdb_open(detail::ptr(path), path.size(), &raw));
        return duckdb(raw);
    }

    /** Opens a file read-write, creating it if absent; ":memory:" is private and in memory. */
    static duckdb open_read_write(std::string_view path) {
        store_duckdb *raw = nullptr;
        detail::check(store_duckdb_open_read_write(detail::ptr(path), path.size(), &raw));
        return duckdb(raw);
    }

    /** Closes the database (idempotent); later calls throw STORE_CLOSED. */
    void close() const { detail::check(store_duckdb_close(h_.get())); }

    /** Runs a statement (several when there are no parameters); returns the rows the last one changed. */
    uint64_t exec(std::string_view sql, std::string_view params_json = {}) const {
        uint64_t changed = 0;
        detail::check(store_duckdb_exec(h_.get(), detail::ptr(sql), sql.size(), detail::ptr(params_json),
                                        params_json.size(), &changed));
        return changed;
    }

    /** Every row of a query as one JSON document. */
    std::string query_json(std::string_view sql, std::string_view params_json = {}) const {
        store_bytes out{};
        detail::check(store_duckdb_query_rows(h_.get(), detail::ptr(sql), sql.size(), detail::ptr(params_json),
                                              params_json.size(), &out));
        return detail::take(out);
    }

    /** The first column of the first row as JSON text; throws STORE_NOT_FOUND without a row. */
    std::string query_scalar(std::string_view sql, std::string_view params_json = {}) const {
        store_bytes out{};
        detail::check(store_duckdb_query_scalar(h_.get(), detail::ptr(sql), sql.size(), detail::ptr(params_json),
                                                params_json.size(), &out));
        return detail::take(out);
    }

    /** Creates checkpoint_scores, probe_results and scoring_results when missing. */
    void ensure_scoring_tables() const { detail::check(store_duckdb_ensure_scoring_tables(h_.get())); }

    /** Inserts one scoring_results row, stamped now. */
    void write_scoring_result(std::string_view model, std::string_view prompt_id, std::string_view suite,
                              std::string_view dimension, double score) const {
        detail::check(store_duckdb_write_scoring_result(h_.get(), detail::ptr(model), model.size(), detail::ptr(prompt_id),
                                                        prompt_id.size(), detail::ptr(suite), suite.size(),
                                                        detail::ptr(dimension), dimension.size(), score));
    }

    /** go-store's table counts as a JSON object; missing tables are left out. */
    std::string table_counts_json() const {
        store_bytes out{};
        detail::check(store_duckdb_table_counts(h_.get(), &out));
        return detail::take(out);
    }

    /** Writes a table (or a SELECT/WITH/FROM/VALUES query) to one Parquet file atomically; returns the rows. */
    uint64_t export_parquet(std::string_view file, std::string_view table,
                            parquet_compression c = parquet_compression::zstd) const {
        uint64_t rows = 0;
        detail::check(store_duckdb_export_parquet(h_.get(), detail::ptr(table), table.size(), detail::ptr(file), file.size(),
                                                  static_cast<uint32_t>(c), &rows));
        return rows;
    }

    /** Writes a hive-partitioned dataset dir/column=value/...parquet, replacing an earlier one; returns the rows. */
    uint64_t export_split_parquet(std::string_view dir, std::string_view table, std::string_view column,
                                  parquet_compression c = parquet_compression::zstd) const {
        uint64_t rows = 0;
        detail::check(store_duckdb_export_split_parquet(h_.get(), detail::ptr(dir), dir.size(), detail::ptr(table),
                                                        table.size(), detail::ptr(column), column.size(),
                                                        static_cast<uint32_t>(c), &rows));
        return rows;
    }

    /** Loads a Parquet file, glob or hive directory into table (created when absent), all or nothing. */
    uint64_t import_parquet(std::string_view table, std::string_view path) const {
        uint64_t rows = 0;
        detail::check(store_duckdb_import_parquet(h_.get(), detail::ptr(table), table.size(), detail::ptr(path),
                                                  path.size(), &rows));
        return rows;
    }

    /** The raw handle, for calling the C API directly. */
    store_duckdb *raw() const noexcept { return h_.get(); }

private:
    explicit duckdb(store_duckdb *raw) : h_(raw) {}

    detail::handle<store_duckdb, store_duckdb_free> h_;
};

/**
 * A workspace (go-store's Workspace): a DuckDB file under the store's state
 * directory. `put` is buffered (written every STORE_WORKSPACE_FLUSH_ROWS rows
 * and by flush, count, aggregate, query, commit and close); aggregates come
 * back as a JSON object, query rows as the analytics JSON document. Safe to
 * share across threads. Destruction closes it and keeps the file.
 */
class workspace {
public:
    /** Creates <stateDir>/<name>.duckdb (go-store NewWorkspace). */
    static workspace create(const db &store, std::string_view name) {
        store_workspace *raw = nullptr;
        detail::check(store_workspace_new(store.raw(), detail::ptr(name), name.size(), &raw));
        return workspace(raw);
    }

    /**
     * Blocks until the orphan scan that opening the store started has finished
     * (opening never waits for it); afterwards recover_orphans(store) returns what
     * the scan found even if the state directory was removed meanwhile.
     */
    static void wait_for_orphan_scan(const db &store) { detail::check(store_wait_for_orphan_scan(store.raw())); }

    /** The uncommitted workspaces in dir ("" = the state directory; go-store RecoverOrphans). */
    static std::vector<workspace> recover_orphans(const db &store, std::string_view dir = {}) {
        store_workspace **list = nullptr;
        size_t len = 0;
        detail::check(store_recover_orphans(store.raw(), detail::ptr(dir), dir.size(), &list, &len));
        std::vector<workspace> out;
        out.reserve(len);
        for (size_t i = 0; i < len; i++) out.push_back(workspace(list[i]));
        store_workspace_array_free(list, len);
        return out;
    }

    /** Buffers one entry; data_json is a JSON object (empty = {}). */
    void put(std::string_view kind, std::string_view data_json = {}) const {
        detail::check(store_workspace_put(h_.get(), detail::ptr(kind), kind.size(), detail::ptr(data_json), data_json.size()));
    }

    /** Writes the buffered entries now. */
    void flush() const { detail::check(store_workspace_flush(h_.get())); }

    /** Number of entries. */
    int64_t count() const {
        int64_t n = 0;
        detail::check(store_workspace_count(h_.get(), &n));
        return n;
    }

    /** kind -> count as a JSON object. */
    std::string aggregate_json() const {
        store_bytes out{};
        detail::check(store_workspace_aggregate(h_.get(), &out));
        return detail::take(out);
    }

    /** One read-only SELECT; rows as one JSON document. */
    std::string query_json(std::string_view sql) const {
        store_bytes out{};
        detail::check(store_workspace_query(h_.get(), detail::ptr(sql), sql.size(), &out));
        return detail::take(out);
    }

    /** Commits to the journal and workspace:<name>/summary, removes the files; returns the aggregate JSON. */
    std::string commit() const {
        store_bytes out{};
        detail::check(store_workspace_commit(h_.get(), &out));
        return detail::take(out);
    }

    /**
     * Adds one entry per record of the file path (go-store Import), read from
     * medium, or from the local filesystem when medium is null. The kind is the
     * base name without its last extension; .csv (header row), .json (array of
     * objects, or one under entries/records/data, or one object), anything else
     * JSON lines. All or nothing: on any error the workspace is unchanged.
     */
    void import_from(std::string_view path, std::shared_ptr<medium_interface> medium = nullptr) const {
        transfer(store_workspace_import, path, std::move(medium));
    }

    /**
     * Writes the workspace to path (go-store Export) on medium, or the local
     * filesystem when it is null: .jsonl/.ndjson one JSON line per entry, .csv
     * one row per entry, anything else the aggregate JSON. Written under a
     * temporary name and renamed: a failure keeps an existing file unchanged.
     */
    void export_to(std::string_view path, std::shared_ptr<medium_interface> medium = nullptr) const {
        transfer(store_workspace_export, path, std::move(medium));
    }

    /** Closes and deletes the files (idempotent). */
    void discard() const { detail::check(store_workspace_discard(h_.get())); }

    /** Writes buffered entries and closes, keeping the file for recovery (idempotent). */
    void close() const { detail::check(store_workspace_close(h_.get())); }

    /** The workspace name. */
    std::string name() const {
        store_bytes out{};
        detail::check(store_workspace_name(h_.get(), &out));
        return detail::take(out);
    }

    /** <stateDir>/<name>.duckdb. */
    std::string database_path() const {
        store_bytes out{};
        detail::check(store_workspace_database_path(h_.get(), &out));
        return detail::take(out);
    }

    /** The raw handle, for calling the C API directly. */
    store_workspace *raw() const noexcept { return h_.get(); }

private:
    explicit workspace(store_workspace *raw) : h_(raw) {}

    using transfer_fn = decltype(&store_workspace_import);

    // The library takes the table's medium for the call and releases it before returning.
    void transfer(transfer_fn fn, std::string_view path, std::shared_ptr<medium_interface> medium) const {
        if (!medium) {
            detail::check(fn(h_.get(), nullptr, detail::ptr(path), path.size()));
            return;
        }
        store_medium_vtable v = detail::medium_bridge::table(std::move(medium));
        detail::check(fn(h_.get(), &v, detail::ptr(path), path.size()));
    }

    detail::handle<store_workspace, store_workspace_free> h_;
};

/** go-store ExportParquet(trainingDir, outputDir): train/valid/test.jsonl chats to outputDir/<split>.parquet. */
inline uint64_t export_training_parquet(std::string_view training_dir, std::string_view output_dir) {
    uint64_t rows = 0;
    detail::check(store_export_training_parquet(detail::ptr(training_dir), training_dir.size(), detail::ptr(output_dir),
                                                output_dir.size(), &rows));
    return rows;
}

/** go-store ExportSplitParquet(jsonlPath, outputDir, split): one JSONL file to outputDir/<split>.parquet. */
inline uint64_t export_training_split_parquet(std::string_view jsonl_path, std::string_view output_dir,
                                              std::string_view split) {
    uint64_t rows = 0;
    detail::check(store_export_training_split_parquet(detail::ptr(jsonl_path), jsonl_path.size(), detail::ptr(output_dir),
                                                      output_dir.size(), detail::ptr(split), split.size(), &rows));
    return rows;
}

}  // namespace store

#endif  // STORE_HPP
