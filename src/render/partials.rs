//! `partial` and `partial_cached`: a template rendered inside another with
//! arguments of its own, as Hugo's `partial` and `partialCached`; the cached
//! one is written once per render for each set of arguments.
//!
//! Some markup is the same on many pages: a module's row on every list that
//! has it (its role pages, its skill pages), a resource's card on each module
//! that cites it. A template calls
//! `{{ partial_cached("partials/resource-card.html", r.id, r=r) }}`: the
//! first call with a key (here `r.id`) renders the partial, later calls
//! with the same key from a page with the same `root` reuse its markup. As
//! with Hugo's variants, the key must say all that the arguments differ by
//! (a list such as `[r.id, heading]` when they differ by more than one
//! thing); hashing the arguments themselves cost more than the rendering
//! saved.
//!
//! `{{ partial_cached_each("partials/module-row.html", mods, "mod") }}`
//! does the same for each item of a list, keyed by the item's `id` (and the
//! other arguments), writing each markup on a line of its own.
//!
//! A partial sees `root`, `ui`, `site` and `package` besides its arguments,
//! and nothing else of the page (not `page_kind`): what it writes must follow
//! from those alone. The cache lives as long as the render's
//! [`SiteValues`](super::SiteValues), so an edit never meets old markup.

use minijinja::value::{Kwargs, Object, Value};
use minijinja::{context, Error, ErrorKind, State};
use rustc_hash::FxHashMap;
use std::hash::{Hash, Hasher};
use std::sync::{Arc, Mutex};

/// The context name of the render's cache (a [`Scope`]; `base_context` in
/// pages.rs sets it).
const SCOPE: &str = "partial_cache";

/// Deepest nesting of partials: a partial that calls itself stops here with
/// an error instead of overflowing the stack.
const MAX_DEPTH: usize = 16;

/// One partial's markup and what it was rendered for.
struct Entry {
    name: String,
    root: Value,
    key: Value,
    html: Value,
}

impl Entry {
    fn is_for(&self, name: &str, root: &Value, key: &Value) -> bool {
        self.name == name && &self.root == root && &self.key == key
    }
}

/// The partials rendered so far, by a hash of name, root and key.
#[derive(Default)]
pub(super) struct PartialCache(Mutex<FxHashMap<u64, Vec<Entry>>>);

impl PartialCache {
    fn find(&self, hash: u64, name: &str, root: &Value, key: &Value) -> Option<Value> {
        let entries = self.0.lock().unwrap_or_else(|e| e.into_inner());
        entries
            .get(&hash)?
            .iter()
            .find(|e| e.is_for(name, root, key))
            .map(|e| e.html.clone())
    }

    fn keep(&self, hash: u64, entry: Entry) {
        let mut entries = self.0.lock().unwrap_or_else(|e| e.into_inner());
        entries.entry(hash).or_default().push(entry);
    }
}

/// The cache as the templates carry it, with how deep in partials the
/// template using it is.
#[derive(Debug)]
pub(super) struct Scope {
    cache: Arc<PartialCache>,
    depth: usize,
}

impl std::fmt::Debug for PartialCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("PartialCache")
    }
}

impl Object for Scope {}

impl Scope {
    /// The value pages carry for `cache`.
    pub(super) fn value(cache: &Arc<PartialCache>) -> Value {
        Value::from_object(Scope {
            cache: Arc::clone(cache),
            depth: 0,
        })
    }
}

fn hash_of(name: &str, root: &Value, key: &Value) -> u64 {
    let mut hasher = rustc_hash::FxHasher::default();
    name.hash(&mut hasher);
    root.hash(&mut hasher);
    key.hash(&mut hasher);
    hasher.finish()
}

/// `partial(name, **arguments)`: the markup of template `name` for these
/// arguments, rendered at each call.
pub(super) fn partial(state: &State, name: &str, kwargs: Kwargs) -> Result<Value, Error> {
    Place::of(state, name)?.render(state, &Value::from(kwargs))
}

/// `partial_cached(name, key, **arguments)`: as [`partial`], but rendered
/// on the first call with `key` and reused after.
pub(super) fn partial_cached(
    state: &State,
    name: &str,
    key: Value,
    kwargs: Kwargs,
) -> Result<Value, Error> {
    let place = Place::of(state, name)?;
    place.markup(state, key, || Value::from(kwargs))
}

/// A partial as called from a page: its name, the page's root, the
/// render's cache and how deep in partials the caller is.
struct Place<'a> {
    name: &'a str,
    root: Value,
    cache: Arc<PartialCache>,
    depth: usize,
}

impl<'a> Place<'a> {
    /// The partial `name` as called from `state`.
    fn of(state: &State, name: &'a str) -> Result<Self, Error> {
        let root = state.lookup("root").unwrap_or_default();
        let (cache, depth) = scope_of(state)?;
        Ok(Place {
            name,
            root,
            cache,
            depth,
        })
    }

    /// The markup for `key`: from the cache, or rendered with the arguments
    /// `args` makes and kept.
    fn markup(
        &self,
        state: &State,
        key: Value,
        args: impl FnOnce() -> Value,
    ) -> Result<Value, Error> {
        let hash = hash_of(self.name, &self.root, &key);
        if let Some(html) = self.cache.find(hash, self.name, &self.root, &key) {
            return Ok(html);
        }
        let html = self.render(state, &args())?;
        let entry = Entry {
            name: self.name.to_string(),
            root: self.root.clone(),
            key,
            html: html.clone(),
        };
        self.cache.keep(hash, entry);
        Ok(html)
    }

    /// Renders the partial with `args`, one level deeper in partials.
    fn render(&self, state: &State, args: &Value) -> Result<Value, Error> {
        let inner = Scope {
            cache: Arc::clone(&self.cache),
            depth: self.depth + 1,
        };
        let context = context! {
            root => self.root.clone(),
            ui => state.lookup("ui"),
            site => state.lookup("site"),
            package => state.lookup("package"),
            partial_cache => Value::from_object(inner),
            ..args.clone()
        };
        let html = state.env().get_template(self.name)?.render(context)?;
        Ok(Value::from_safe_string(html))
    }
}

/// `partial_cached_each(name, items, as, **arguments)`: [`partial_cached`]
/// for each item of a list, the item passed as the argument named `as`
/// beside the others, each markup followed by a line break. An item's key
/// is its `id` with the other arguments, so a list of thousands (a role's
/// curriculum) costs one call and one cache look-up per item, not a
/// template call with arguments built for each.
pub(super) fn partial_cached_each(
    state: &State,
    name: &str,
    items: &Value,
    as_name: &str,
    kwargs: Kwargs,
) -> Result<Value, Error> {
    let place = Place::of(state, name)?;
    let args = Value::from(kwargs);
    // The other arguments in their printed form, written into each item's
    // key: a string hashes and compares far faster than a list of values.
    let shared = format!("{args:?}");
    let mut html = String::new();
    for item in items.try_iter()? {
        // Items without an id would all share the first one's markup.
        let id = item.get_attr("id")?;
        if id.is_undefined() || id.is_none() {
            let detail = format!("partial_cached_each: an item of the list has no id: {item}");
            return Err(Error::new(ErrorKind::InvalidOperation, detail));
        }
        let key = Value::from(format!("{id}\u{0}{shared}"));
        let markup = place.markup(state, key, || {
            let own = Value::from(std::collections::BTreeMap::from([(as_name, item)]));
            context! { ..own, ..args.clone() }
        })?;
        html.push_str(markup.as_str().unwrap_or_default());
        html.push('\n');
    }
    Ok(Value::from_safe_string(html))
}

/// The render's cache and how deep in partials the caller is; a template
/// rendered without one (not through a page) gets a cache of its own.
fn scope_of(state: &State) -> Result<(Arc<PartialCache>, usize), Error> {
    let scope = state.lookup(SCOPE);
    let scope = scope
        .as_ref()
        .and_then(|s| s.downcast_object_ref::<Scope>());
    let depth = scope.map_or(0, |s| s.depth);
    if depth >= MAX_DEPTH {
        let detail = format!("more than {MAX_DEPTH} partials inside each other");
        return Err(Error::new(ErrorKind::InvalidOperation, detail));
    }
    let cache = scope.map_or_else(Arc::default, |s| Arc::clone(&s.cache));
    Ok((cache, depth))
}

#[cfg(test)]
mod tests {
    use super::*;
    use minijinja::Environment;

    fn env() -> Environment<'static> {
        let mut env = Environment::new();
        env.add_function("partial", partial);
        env.add_function("partial_cached", partial_cached);
        env.add_template("p.txt", "[{{ root }}{{ n }}]").unwrap();
        env.add_template("self.txt", "{{ partial('self.txt') }}")
            .unwrap();
        env
    }

    fn page(env: &Environment, source: &str, root: &str, cache: &Arc<PartialCache>) -> String {
        let context = context! { root, partial_cache => Scope::value(cache) };
        env.render_str(source, context).expect("render")
    }

    #[test]
    fn a_cached_partial_is_rendered_once_per_key_and_root() {
        let env = env();
        let cache = Arc::default();
        let source = concat!(
            "{{ partial_cached('p.txt', 'k', n=1) }}",
            "{{ partial_cached('p.txt', 'k', n=2) }}",
            "{{ partial_cached('p.txt', ['k', 2], n=3) }}",
            "{{ partial('p.txt', n=4) }}",
        );
        // The second call has the key of the first: its markup is reused.
        assert_eq!(
            page(&env, source, "../", &cache),
            "[../1][../1][../3][../4]"
        );
        // Another page of the same render: same root, same markup.
        let again = "{{ partial_cached('p.txt', 'k', n=5) }}";
        assert_eq!(page(&env, again, "../", &cache), "[../1]");
        // Another root is other markup (its links differ).
        assert_eq!(page(&env, again, "../../", &cache), "[../../5]");
        // A render of its own starts empty.
        assert_eq!(page(&env, again, "../", &Arc::default()), "[../5]");
    }

    #[test]
    fn a_list_is_written_once_per_item_id_and_arguments() {
        let mut env = env();
        env.add_function("partial_cached_each", partial_cached_each);
        env.add_template("row.txt", "<{{ root }}{{ m.id }}{{ m.n }}{{ x }}>")
            .unwrap();
        let cache = Arc::default();
        let rows = r#"{{ partial_cached_each('row.txt', [{'id': 'a', 'n': 1}, {'id': 'b', 'n': 2}, {'id': 'a', 'n': 3}], 'm', x=0) }}"#;
        // The third item has the first's id: its markup is reused.
        assert_eq!(
            page(&env, rows, "../", &cache),
            "<../a10>\n<../b20>\n<../a10>\n"
        );
        // The same ids with other arguments are other markup; a single
        // call with the same key and arguments finds the list's.
        let other = "{{ partial_cached_each('row.txt', [{'id': 'b', 'n': 9}], 'm', x=1) }}";
        assert_eq!(page(&env, other, "../", &cache), "<../b91>\n");
        let same = "{{ partial_cached_each('row.txt', [{'id': 'b', 'n': 9}], 'm', x=0) }}";
        assert_eq!(page(&env, same, "../", &cache), "<../b20>\n");
        // Another root, other markup; an empty list writes nothing.
        assert_eq!(page(&env, same, "", &cache), "<b90>\n");
        let empty = "{{ partial_cached_each('row.txt', [], 'm') }}";
        assert_eq!(page(&env, empty, "../", &cache), "");
    }

    #[test]
    fn a_list_item_without_an_id_is_an_error() {
        let mut env = env();
        env.add_function("partial_cached_each", partial_cached_each);
        let rows = "{{ partial_cached_each('p.txt', [{'n': 1}, {'n': 2}], 'm') }}";
        let context = context! { root => "", partial_cache => Scope::value(&Arc::default()) };
        let err = env
            .render_str(rows, context)
            .expect_err("items without ids");
        assert!(format!("{err:#}").contains("has no id"), "{err:#}");
    }

    #[test]
    fn a_partial_inside_itself_stops_with_an_error() {
        let env = env();
        let context = context! { root => "", partial_cache => Scope::value(&Arc::default()) };
        let err = env
            .get_template("self.txt")
            .and_then(|t| t.render(context))
            .expect_err("endless partials");
        assert!(
            format!("{err:#}").contains("more than 16 partials"),
            "{err:#}"
        );
    }
}
