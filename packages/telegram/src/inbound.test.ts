import { describe, expect, it } from 'vitest';
import { chatIdOfPeer, fromBotUpdate, fromGramJsEvent, parseCommand } from './inbound';

describe('inbound updates', () => {
  it('parses commands', () => {
    expect(parseCommand('/start abc_DEF-1')).toEqual({ command: 'start', args: 'abc_DEF-1' });
    expect(parseCommand('/Halt@verzek_bot  market chaos ')).toEqual({
      command: 'halt',
      args: 'market chaos',
    });
    expect(parseCommand('/halt@other_bot', 'verzek_bot')).toBeNull();
    expect(parseCommand('hello /start')).toBeNull();
  });

  it('reads Bot API updates', () => {
    const chat = { id: -1001, type: 'channel' as const, title: 'c' };
    expect(
      fromBotUpdate({
        update_id: 1,
        channel_post: {
          message_id: 5,
          date: 1,
          chat,
          caption: 'Signal in a caption',
          reply_to_message: undefined,
        },
      } as never),
    ).toEqual({
      type: 'post',
      post: {
        chatId: '-1001',
        messageId: 5,
        text: 'Signal in a caption',
        replyToMessageId: null,
        editDate: null,
        date: 1,
        via: 'bot',
      },
    });
    const dm = fromBotUpdate({
      update_id: 2,
      message: {
        message_id: 9,
        date: 1,
        chat: { id: 77, type: 'private', first_name: 'a' },
        from: { id: 77, is_bot: false, first_name: 'a' },
        text: '/status',
      },
    } as never);
    expect(dm).toMatchObject({
      type: 'command',
      command: { chatId: '77', fromId: '77', command: 'status', args: '' },
    });
    expect(
      fromBotUpdate({
        update_id: 3,
        message: {
          message_id: 4,
          date: 1,
          chat: { id: -5, type: 'supergroup', title: 'g' },
          new_chat_members: [],
        },
      } as never),
    ).toEqual({ type: 'seen', chatId: '-5', messageId: 4 });
  });

  it('reads GramJS messages', () => {
    expect(chatIdOfPeer({ className: 'PeerChannel', channelId: 123n })).toBe('-100123');
    expect(chatIdOfPeer({ className: 'PeerChat', chatId: 9 })).toBe('-9');
    expect(chatIdOfPeer({ className: 'PeerUser', userId: 7 })).toBe('7');
    const post = fromGramJsEvent(
      {
        message: {
          id: 3,
          message: 'x',
          date: 10,
          editDate: 12,
          peerId: { className: 'PeerChannel', channelId: 5 },
          replyTo: { replyToMsgId: 2 },
        },
      },
      true,
    );
    expect(post).toEqual({
      chatId: '-1005',
      messageId: 3,
      text: 'x',
      replyToMessageId: 2,
      editDate: 12,
      date: 10,
      via: 'user',
    });
    // A reply to a message in another chat is not a reply here.
    expect(
      fromGramJsEvent(
        {
          message: {
            id: 3,
            peerId: { className: 'PeerChannel', channelId: 5 },
            replyTo: { replyToMsgId: 2, replyToPeerId: {} },
          },
        },
        false,
      )?.replyToMessageId,
    ).toBeNull();
  });
});
