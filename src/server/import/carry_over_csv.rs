//! Reading a file of packs to bring over from another system: one line per
//! client's pack. Read whole; every bad line is named with its field, and a
//! file with one bad line applies nothing.

use chrono::NaiveDate;

use super::csv_lines::{LineCounter, LineProblem, Refused, csv_problem, utf16_problem};
use crate::server::actor::Actor;
use crate::server::store::Store;
use crate::server::store::carry_over::CarryOver;
use crate::server::store::carry_over_file::FileLine;
use crate::wire::clinic::ClinicInfo;
use crate::wire::error::AppError;
use crate::wire::packs::CarryOverFile;

/// Columns a carry-over file must have, as its first line names them.
pub const COLUMNS: [&str; 4] = ["client", "pack", "left", "reason"];
/// Columns it may have.
pub const OPTIONAL: [&str; 3] = ["ends_on", "note", "pet"];

/// One line of the file, read but not yet matched to a client or template.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CarryLine {
    /// Its line number (the column names are line 1).
    pub line: u64,
    /// A client's email, or their CareCount number.
    pub client: String,
    /// The package or session pack template's name.
    pub pack: String,
    /// Sessions or days left.
    pub left: i64,
    /// The last day, when it expires.
    pub ends_on: Option<NaiveDate>,
    /// Shown to staff whenever the pack is used.
    pub note: String,
    /// Why it is carried over.
    pub reason: String,
    /// The pet's name, for a pack made for one pet.
    pub pet: String,
}

/// Reads a carry-over file and matches every line: a preview that changes
/// nothing, or, with `apply`, every line applied at once. A bad line
/// applies nothing, and every bad line is named with its field.
pub async fn carry_over_file(
    store: &Store,
    clinic: &ClinicInfo,
    bytes: &[u8],
    apply: bool,
    actor: &Actor,
) -> Result<CarryOverFile, AppError> {
    let read = read(bytes).map_err(|r| AppError::Invalid(r.to_string()))?;
    let lines: Vec<FileLine> = read
        .iter()
        .map(|l| FileLine {
            line: l.line,
            client: &l.client,
            pack: &l.pack,
            pet: &l.pet,
            carry: CarryOver {
                patient_id: None,
                template_id: 0,
                left: l.left,
                ends_on: l.ends_on,
                use_note: &l.note,
                reason: &l.reason,
            },
        })
        .collect();
    match store.carry_over_file(clinic, &lines, apply, actor).await? {
        Ok(rows) => Ok(CarryOverFile { rows, applied: apply }),
        Err(refusals) => {
            let mut refused = Refused::none();
            for (line, field, message) in refusals {
                refused.add(LineProblem { line, field: field.map(str::to_string), message });
            }
            Err(AppError::Invalid(refused.to_string()))
        }
    }
}

/// Reads a whole carry-over file.
pub fn read(bytes: &[u8]) -> Result<Vec<CarryLine>, Refused> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let refuse = |problem: LineProblem| Refused { problems: vec![problem], total: 1 };
    if let Some(problem) = utf16_problem(bytes) {
        return Err(refuse(problem));
    }
    let text = std::str::from_utf8(bytes).map_err(|_| {
        refuse(LineProblem { line: 1, field: None, message: "the file is not UTF-8 text; save it as CSV UTF-8".into() })
    })?;
    let mut reader = csv::ReaderBuilder::new().has_headers(false).flexible(true).from_reader(text.as_bytes());
    let mut records = reader.records();
    let header = match records.next() {
        Some(Ok(header)) => header,
        Some(Err(e)) => return Err(refuse(csv_problem(&e, 1))),
        None => return Err(refuse(missing("client"))),
    };
    let names: Vec<String> = header.iter().map(|n| n.trim().to_ascii_lowercase().replace([' ', '-'], "_")).collect();
    let at = |name: &str| names.iter().position(|n| n == name);
    let mut required = [0usize; 4];
    for (slot, name) in required.iter_mut().zip(COLUMNS) {
        *slot = at(name).ok_or_else(|| refuse(missing(name)))?;
    }
    let (ends_at, note_at, pet_at) = (at("ends_on"), at("note"), at("pet"));
    let mut lines = Vec::new();
    let mut refused = Refused::none();
    let mut counter = LineCounter::new(bytes);
    for record in records {
        let outcome = match record {
            Err(e) => Err(csv_problem(&e, counter.line_of(e.position().map_or(0, |p| p.byte())))),
            Ok(record) => {
                let line = counter.line_of(record.position().map_or(0, |p| p.byte()));
                let field = |index: Option<usize>| index.and_then(|i| record.get(i)).unwrap_or_default().trim();
                if record.iter().all(|f| f.trim().is_empty()) {
                    continue;
                }
                read_line(
                    line,
                    |name| field(names.iter().position(|n| n == name)),
                    [ends_at, note_at, pet_at].map(field),
                )
            }
        };
        match outcome {
            Ok(line) => lines.push(line),
            Err(problem) => refused.add(problem),
        }
    }
    let lines = refused.or(lines)?;
    if lines.is_empty() {
        return Err(refuse(LineProblem {
            line: 2,
            field: None,
            message: "the file has no packs after its first line".into(),
        }));
    }
    Ok(lines)
}

fn read_line<'a>(
    line: u64,
    field: impl Fn(&str) -> &'a str,
    [ends_on, note, pet]: [&'a str; 3],
) -> Result<CarryLine, LineProblem> {
    let problem = |name: &str, message: String| LineProblem { line, field: Some(name.into()), message };
    let needed = |name: &str, what: &str| match field(name) {
        "" => Err(problem(name, format!("empty; give {what}"))),
        value => Ok(value.to_string()),
    };
    let client = needed("client", "the client's email or CareCount number")?;
    let pack = needed("pack", "the name of the package or session pack, as on the templates page")?;
    let left_text = needed("left", "the number of sessions or days left")?;
    let left = left_text
        .parse::<i64>()
        .map_err(|_| problem("left", format!("\"{left_text}\" is not a whole number; write it as 7")))?;
    let ends_on = match ends_on {
        "" => None,
        text => Some(NaiveDate::parse_from_str(text, "%Y-%m-%d").map_err(|_| {
            problem("ends_on", format!("\"{text}\" is not a date; write it as 2027-03-31 (year-month-day)"))
        })?),
    };
    let reason = needed("reason", "why the balance is carried over")?;
    Ok(CarryLine { line, client, pack, left, ends_on, note: note.to_string(), reason, pet: pet.to_string() })
}

fn missing(name: &str) -> LineProblem {
    LineProblem {
        line: 1,
        field: Some(name.into()),
        message: format!(
            "this column is missing; the first line must name the columns {} (and may add {})",
            COLUMNS.join(", "),
            OPTIONAL.join(", ")
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_bad_line_is_named_with_its_field() {
        let file = "client,pack,left,ends_on,note,reason\r\n\
                    emma@example.com,Daycare 10-day pack,7,2027-03-31,\"Paid, in full\",Old system\r\n\
                    joe@example.com,Daycare 10-day pack,seven,,,Old system\r\n\
                    ann@example.com,Physio 6-session pack,3,31/03/2027,,Old system\r\n\
                    \r\n\
                    bob@example.com,Physio 6-session pack,3,,,\r\n";
        let refused = read(file.as_bytes()).unwrap_err();
        let said: Vec<String> = refused.problems.iter().map(ToString::to_string).collect();
        assert_eq!(said.len(), 3, "{said:?}");
        assert!(said[0].starts_with("line 3, left: \"seven\" is not a whole number"), "{said:?}");
        assert!(said[1].starts_with("line 4, ends_on:"), "{said:?}");
        assert!(said[2].starts_with("line 6, reason: empty"), "{said:?}");
        let good =
            read("\u{feff}Client,Pack,Left,Reason\nemma@example.com,Daycare 10-day pack,7,Old\n".as_bytes()).unwrap();
        assert_eq!(good[0].left, 7);
        assert_eq!(good[0].ends_on, None);
        let quoted = read(file.lines().take(2).collect::<Vec<_>>().join("\n").as_bytes()).unwrap();
        assert_eq!(quoted[0].note, "Paid, in full");
    }

    #[test]
    fn a_missing_column_or_an_empty_file_says_what_the_first_line_needs() {
        let refused = read(b"client,pack,reason\nx,y,z\n").unwrap_err();
        assert!(refused.to_string().contains("line 1, left: this column is missing"), "{refused}");
        assert!(read(b"").is_err());
        assert!(read(b"client,pack,left,reason\n").unwrap_err().to_string().contains("no packs"));
        assert!(read(b"client,pack,left,reason\n\xff\xfe,x,1,y\n").unwrap_err().to_string().contains("UTF-8"));
        let utf16: Vec<u8> = "client,pack,left,reason\n".encode_utf16().flat_map(u16::to_le_bytes).collect();
        assert!(read(&utf16).unwrap_err().to_string().contains("UTF-16"), "named as UTF-16, not as missing columns");
    }
}
