//! The database's user-visible job types, registered in `crate::registries`.

use super::{duplicate_application, export, fields, imports, snapshots, tables};
use crate::platform::jobs::UserJobType;

pub fn user_job_types() -> Vec<UserJobType> {
    vec![
        UserJobType {
            name: tables::duplicate::JOB_TYPE,
            run: |ctx, job| Box::pin(tables::duplicate::run(ctx, job)),
        },
        UserJobType {
            name: fields::duplicate::JOB_TYPE,
            run: |ctx, job| Box::pin(fields::duplicate::run(ctx, job)),
        },
        UserJobType {
            name: duplicate_application::JOB_TYPE,
            run: |ctx, job| Box::pin(duplicate_application::run(ctx, job)),
        },
        UserJobType {
            name: snapshots::job::CREATE,
            run: |ctx, job| Box::pin(snapshots::job::run_create(ctx, job)),
        },
        UserJobType {
            name: snapshots::job::RESTORE,
            run: |ctx, job| Box::pin(snapshots::job::run_restore(ctx, job)),
        },
        UserJobType {
            name: export::JOB_TYPE,
            run: |ctx, job| Box::pin(export::run(ctx, job)),
        },
        UserJobType {
            name: imports::JOB_TYPE,
            run: |ctx, job| Box::pin(imports::run(ctx, job)),
        },
        UserJobType {
            name: imports::external::JOB_TYPE,
            run: |ctx, job| Box::pin(imports::external::run(ctx, job)),
        },
    ]
}
