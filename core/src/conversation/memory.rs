//! A [`LogStore`] kept in memory: the conversation rules run on it in simulations and tests
//! exactly as on the Conversation object's SQLite storage.

use switchboard_protocol::{Author, ClientMessageId, Message, ReadMark, Seq};

use super::LogStore;

/// A [`LogStore`] in memory, for simulations and tests.
#[derive(Debug, Default, Clone)]
pub struct MemoryStore {
    /// The log, in `seq` order.
    pub messages: Vec<Message>,
    /// Read marks.
    pub marks: Vec<ReadMark>,
}

impl LogStore for MemoryStore {
    type Error = std::convert::Infallible;

    fn head(&mut self) -> Result<Seq, Self::Error> {
        Ok(self.messages.last().map_or(Seq(0), |m| m.seq))
    }

    fn seq_of(&mut self, author: &Author, client_id: &ClientMessageId) -> Result<Option<Seq>, Self::Error> {
        Ok(self
            .messages
            .iter()
            .find(|m| m.author.id_str() == author.id_str() && m.client_id == *client_id)
            .map(|m| m.seq))
    }

    fn append(&mut self, message: &Message) -> Result<(), Self::Error> {
        self.messages.push(message.clone());
        Ok(())
    }

    fn page_after(&mut self, seq: Seq, limit: usize) -> Result<Vec<Message>, Self::Error> {
        Ok(self.messages.iter().filter(|m| m.seq > seq).take(limit).cloned().collect())
    }

    fn reads(&mut self) -> Result<Vec<ReadMark>, Self::Error> {
        Ok(self.marks.clone())
    }

    fn set_read(&mut self, mark: &ReadMark) -> Result<(), Self::Error> {
        self.marks.retain(|m| m.reader.id_str() != mark.reader.id_str());
        self.marks.push(mark.clone());
        Ok(())
    }
}
