//! The catalog as a manager's price update leaves it.

use super::TestApp;

/// Changes an item's regular price, as a manager's catalog update would.
pub async fn set_price(app: &TestApp, item: i64, price: &str) {
    let mut tx = app.store.begin_write().await.unwrap();
    sqlx::query("UPDATE catalog_items SET regular_price = $1 WHERE id = $2")
        .bind(price)
        .bind(item)
        .execute(&mut *tx)
        .await
        .unwrap();
    tx.commit().await.unwrap();
}
