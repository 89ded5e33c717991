"""Education content has no mutations: a read is recorded by the `page` query (cms.services.record_read)."""
