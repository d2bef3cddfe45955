//! The route table as data: each feature mounts its endpoints through [`RouteTable`], which hands
//! them to actix and remembers every (method, path) it mounted. The same calls that serve the
//! routes list them, so a test can hold the list against the OpenAPI document.

use actix_web::{web, FromRequest, Handler, Responder};

/// One path with the methods it answers; a method it does not answer is a 405.
pub struct Endpoint {
    path: &'static str,
    resource: actix_web::Resource,
    methods: Vec<&'static str>,
}

/// An endpoint at `path`.
pub fn at(path: &'static str) -> Endpoint {
    Endpoint {
        path,
        resource: web::resource(path),
        methods: Vec::new(),
    }
}

macro_rules! method {
    ($(#[$doc:meta])* $name:ident, $route:path, $word:literal) => {
        $(#[$doc])*
        pub fn $name<F, Args>(mut self, handler: F) -> Self
        where
            F: Handler<Args>,
            Args: FromRequest + 'static,
            F::Output: Responder + 'static,
        {
            self.resource = self.resource.route($route().to(handler));
            self.methods.push($word);
            self
        }
    };
}

impl Endpoint {
    method!(
        /// Answers GET with `handler`.
        get, web::get, "get"
    );
    method!(
        /// Answers POST with `handler`.
        post, web::post, "post"
    );
    method!(
        /// Answers PATCH with `handler`.
        patch, web::patch, "patch"
    );
    method!(
        /// Answers DELETE with `handler`.
        delete, web::delete, "delete"
    );

    /// Settings for this endpoint only (a larger body limit, say).
    pub fn app_data<U: 'static>(mut self, data: U) -> Self {
        self.resource = self.resource.app_data(data);
        self
    }
}

/// Mounts endpoints on an actix service config, or only lists them.
pub struct RouteTable<'a> {
    cfg: Option<&'a mut web::ServiceConfig>,
    mounted: Vec<(&'static str, &'static str)>,
}

impl<'a> RouteTable<'a> {
    /// A table that mounts on `cfg`.
    pub fn mounting(cfg: &'a mut web::ServiceConfig) -> RouteTable<'a> {
        RouteTable {
            cfg: Some(cfg),
            mounted: Vec::new(),
        }
    }

    /// A table that only lists what would be mounted.
    pub fn listing() -> RouteTable<'static> {
        RouteTable {
            cfg: None,
            mounted: Vec::new(),
        }
    }

    /// Mounts one endpoint.
    pub fn mount(&mut self, endpoint: Endpoint) -> &mut Self {
        for method in &endpoint.methods {
            self.mounted.push((*method, endpoint.path));
        }
        if let Some(cfg) = self.cfg.as_deref_mut() {
            cfg.service(endpoint.resource);
        }
        self
    }

    /// Mounts what is not part of the API (the HTML pages): served, but not listed, so the
    /// OpenAPI document does not have to name it.
    pub fn pages(&mut self, mount: impl FnOnce(&mut web::ServiceConfig)) -> &mut Self {
        if let Some(cfg) = self.cfg.as_deref_mut() {
            mount(cfg);
        }
        self
    }

    /// Every (method, path) mounted so far, methods in lower case.
    pub fn mounted(&self) -> &[(&'static str, &'static str)] {
        &self.mounted
    }
}
