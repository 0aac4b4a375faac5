//! A file of carry-overs, matched and checked in one write transaction: the
//! preview and the apply run the very same code, and only the apply
//! commits, so what the manager confirmed is exactly what lands, or, with
//! one bad line, nothing does.

use super::Store;
use super::carry_over::{CarryOver, carry_over_on, carry_problem};
use crate::server::actor::Actor;
use crate::wire::clinic::ClinicInfo;
use crate::wire::error::AppError;
use crate::wire::packs::CarryPreviewRow;

/// One line of a carry-over file, read but not matched yet.
#[derive(Clone, Debug)]
pub struct FileLine<'a> {
    /// Its line number in the file.
    pub line: u64,
    /// A client's email, or their CareCount number.
    pub client: &'a str,
    /// The template's name.
    pub pack: &'a str,
    /// The pet's name, for a pack made for one pet; empty otherwise.
    pub pet: &'a str,
    /// Everything else, with `template_id` still 0.
    pub carry: CarryOver<'a>,
}

/// What stops a file: (line, the column at fault if one, what to fix), in
/// file order.
pub type LineRefusals = Vec<(u64, Option<&'static str>, String)>;

impl Store {
    /// Matches every line to a client and a template and carries it over;
    /// commits only when `apply` and every line is good. Returns what each
    /// line becomes, or every line's problem.
    pub async fn carry_over_file(
        &self,
        clinic: &ClinicInfo,
        lines: &[FileLine<'_>],
        apply: bool,
        actor: &Actor,
    ) -> Result<Result<Vec<CarryPreviewRow>, LineRefusals>, AppError> {
        let mut tx = self.begin_write().await?;
        let mut rows = Vec::new();
        let mut refusals = Vec::new();
        for l in lines {
            let client: Vec<(i64, String)> = sqlx::query_as(
                "SELECT id, first_name || ' ' || last_name FROM clients
                 WHERE organisation_id = $1 AND (CAST(id AS TEXT) = $2 OR lower(email) = lower($3)) ORDER BY id",
            )
            .bind(clinic.organisation_id)
            .bind(l.client)
            .bind(l.client)
            .fetch_all(&mut *tx)
            .await?;
            let (client_id, client_name) = match client.as_slice() {
                [one] => one.clone(),
                [] => {
                    refusals.push((
                        l.line,
                        Some("client"),
                        format!("no client has the email or number \"{}\"", l.client),
                    ));
                    continue;
                }
                _ => {
                    refusals.push((
                        l.line,
                        Some("client"),
                        format!("\"{}\" is shared by several clients; use their number", l.client),
                    ));
                    continue;
                }
            };
            let template: Option<(i64, String, i64)> = sqlx::query_as(
                "SELECT id, name, CAST(one_pet AS BIGINT) FROM plan_templates
                 WHERE organisation_id = $1 AND active = 1 AND kind <> 'wellness' AND lower(name) = lower($2)",
            )
            .bind(clinic.organisation_id)
            .bind(l.pack)
            .fetch_optional(&mut *tx)
            .await?;
            let Some((template_id, pack_name, one_pet)) = template else {
                refusals.push((
                    l.line,
                    Some("pack"),
                    format!("no package or session pack on sale is called \"{}\"", l.pack),
                ));
                continue;
            };
            let pet: Option<i64> = if l.pet.is_empty() {
                if one_pet != 0 {
                    refusals.push((
                        l.line,
                        Some("pet"),
                        format!("{pack_name} is for one pet; name the pet in the pet column"),
                    ));
                    continue;
                }
                None
            } else {
                let found: Option<i64> = sqlx::query_scalar(
                    "SELECT id FROM patients WHERE client_id = $1 AND deceased_on IS NULL AND lower(name) = lower($2)",
                )
                .bind(client_id)
                .bind(l.pet)
                .fetch_optional(&mut *tx)
                .await?;
                if found.is_none() {
                    refusals.push((
                        l.line,
                        Some("pet"),
                        format!("{client_name} has no living pet called \"{}\"", l.pet),
                    ));
                    continue;
                }
                found
            };
            let carry = CarryOver { template_id, patient_id: pet, ..l.carry.clone() };
            if let Some((field, why)) = carry_problem(&carry, clinic.today) {
                refusals.push((l.line, Some(field), why));
                continue;
            }
            let already: i64 = sqlx::query_scalar(
                "SELECT count(*) FROM subscriptions WHERE client_id = $1 AND template_id = $2 AND origin = 'carried_over'
                   AND status <> 'cancelled'",
            )
            .bind(client_id)
            .bind(template_id)
            .fetch_one(&mut *tx)
            .await?;
            match carry_over_on(&mut tx, clinic, client_id, &carry, actor).await {
                Ok(_) => rows.push(CarryPreviewRow {
                    line: l.line,
                    client_id,
                    client_name,
                    pack_name,
                    left: carry.left,
                    ends_on: carry.ends_on,
                    note: carry.use_note.trim().to_string(),
                    already: already > 0,
                }),
                Err(AppError::Invalid(why) | AppError::Conflict(why) | AppError::NotFound(why)) => {
                    refusals.push((l.line, None, why));
                }
                Err(other) => return Err(other),
            }
        }
        if !refusals.is_empty() {
            return Ok(Err(refusals));
        }
        if apply {
            tx.commit().await?;
        }
        Ok(Ok(rows))
    }
}
