//! The database schema, shared by SQLite and PostgreSQL. Written by hand to use only types both
//! backends have; `tests/schema.rs` checks both migration sets against each other.

diesel::table! {
    outlets (id) {
        id -> BigInt,
        name -> Text,
        website -> Nullable<Text>,
        country -> Nullable<Text>,
        contact_emails -> Text,
        notes -> Nullable<Text>,
        active -> Bool,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        deleted_at -> Nullable<Timestamp>,
        contacts -> Nullable<Text>,
        account_manager_user_id -> Nullable<BigInt>,
    }
}

diesel::table! {
    users (id) {
        id -> BigInt,
        email -> Text,
        password_hash -> Text,
        role -> Text,
        outlet_id -> Nullable<BigInt>,
        active -> Bool,
        token_generation -> Integer,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    api_keys (id) {
        id -> BigInt,
        user_id -> BigInt,
        name -> Text,
        prefix -> Text,
        key_hash -> Text,
        created_at -> Timestamp,
        last_used_at -> Nullable<Timestamp>,
        revoked_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    articles (id) {
        id -> BigInt,
        source_outlet_id -> BigInt,
        title -> Text,
        byline -> Nullable<Text>,
        url -> Nullable<Text>,
        published_on -> Nullable<Date>,
        external_id -> Nullable<Text>,
        copyright_line -> Nullable<Text>,
        copyright_holder -> Nullable<Text>,
        copyright_year_from -> Nullable<Integer>,
        copyright_year_to -> Nullable<Integer>,
        permission_statement -> Nullable<Text>,
        original_publisher -> Nullable<Text>,
        permission_kind -> Nullable<Text>,
        license_name -> Nullable<Text>,
        embargo_until -> Nullable<Timestamp>,
        text_hash -> Nullable<Text>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        deleted_at -> Nullable<Timestamp>,
        original_outlet_id -> Nullable<BigInt>,
        data_mining -> Nullable<Text>,
        tdm_policy_url -> Nullable<Text>,
    }
}

diesel::table! {
    licenses (id) {
        id -> BigInt,
        grantor_outlet_id -> BigInt,
        licensee_outlet_id -> BigInt,
        scope -> Text,
        article_id -> Nullable<BigInt>,
        feed_published_from -> Nullable<Date>,
        feed_published_until -> Nullable<Date>,
        actions -> Text,
        media -> Text,
        territories -> Text,
        valid_from -> Date,
        valid_until -> Nullable<Date>,
        exclusive -> Bool,
        credit_line -> Nullable<Text>,
        fee_cents -> Nullable<BigInt>,
        currency -> Nullable<Text>,
        max_reprints -> Nullable<Integer>,
        notes -> Nullable<Text>,
        status -> Text,
        status_reason -> Nullable<Text>,
        version -> Integer,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        deleted_at -> Nullable<Timestamp>,
        notice_leads -> Nullable<Text>,
        upstream_license_id -> Nullable<BigInt>,
        data_mining -> Text,
        tdm_policy_url -> Nullable<Text>,
    }
}

diesel::table! {
    reprints (id) {
        id -> BigInt,
        article_id -> BigInt,
        outlet_id -> BigInt,
        reprinted_on -> Date,
        medium -> Text,
        territory -> Nullable<Text>,
        url -> Nullable<Text>,
        credit_line_used -> Nullable<Text>,
        compliance -> Text,
        license_id -> Nullable<BigInt>,
        reasons -> Text,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        deleted_at -> Nullable<Timestamp>,
        action -> Text,
        verified_at -> Nullable<Timestamp>,
        verify_http_status -> Nullable<Integer>,
        verify_credit_found -> Nullable<Bool>,
        verify_link_to_original -> Nullable<Bool>,
        verify_canonical_ok -> Nullable<Bool>,
        verify_still_online_after_end -> Nullable<Bool>,
        verify_error -> Nullable<Text>,
        verify_outcome -> Nullable<Text>,
        verify_due_on -> Nullable<Date>,
    }
}

diesel::table! {
    notices (id) {
        id -> BigInt,
        license_id -> BigInt,
        kind -> Text,
        recipient -> Text,
        lead -> Text,
        expires_on -> Date,
        status -> Text,
        attempts -> Integer,
        last_error -> Nullable<Text>,
        sent_at -> Nullable<Timestamp>,
        next_attempt_at -> Nullable<Timestamp>,
        claimed_by -> Nullable<Text>,
        lease_until -> Nullable<Timestamp>,
        message_id -> Nullable<Text>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    notice_acknowledgements (id) {
        id -> BigInt,
        notice_id -> BigInt,
        license_id -> BigInt,
        until -> Date,
        note -> Nullable<Text>,
        by_user_id -> Nullable<BigInt>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    audit_log (id) {
        id -> BigInt,
        actor_user_id -> Nullable<BigInt>,
        actor -> Text,
        action -> Text,
        entity -> Text,
        entity_id -> Nullable<BigInt>,
        before_json -> Nullable<Text>,
        after_json -> Nullable<Text>,
        request_id -> Nullable<Text>,
        created_at -> Timestamp,
    }
}

diesel::joinable!(api_keys -> users (user_id));
diesel::joinable!(articles -> outlets (source_outlet_id));
diesel::joinable!(licenses -> articles (article_id));
diesel::joinable!(reprints -> articles (article_id));
diesel::joinable!(notices -> licenses (license_id));

diesel::allow_tables_to_appear_in_same_query!(
    outlets,
    users,
    api_keys,
    articles,
    licenses,
    reprints,
    notices,
    notice_acknowledgements,
    audit_log,
);
