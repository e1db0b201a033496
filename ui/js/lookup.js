// A person on the register forms and record pages, alike on every register:
// the forms look the ID number up as it is typed (sex, birth date and age
// follow from it, and the core says whether the person is already on file);
// the pages show it and the phone masked until asked.
import { api } from './api.js';
import { clearErrors, h, showError, toast } from './dom.js';

export const ID_HINT = '输入身份证号后自动显示性别、出生日期和年龄';

/**
 * Looks up the number typed in `input` and says what follows from it in
 * `derived`; `found(r)` adds what the form makes of a person already on file.
 * Errors wait for all 18 digits, unless the number can no longer be right.
 */
export function idLookup(form, input, derived, found) {
  let seq = 0;
  input.addEventListener('input', async () => {
    const mine = ++seq;
    const v = input.value.trim();
    if (v.length < 15) { derived.textContent = ID_HINT; return; }
    try {
      const r = await api.lookupId(v);
      if (mine !== seq) return; // the number changed while this was asked
      clearErrors(form);
      derived.replaceChildren(`${r.sex}　${r.birth_date}　${r.age}岁`);
      found(r);
    } catch (e) {
      if (mine !== seq) return;
      derived.textContent = '';
      if (v.length >= 18 || e.code !== 'invalid_input') showError(form, e);
    }
  });
}

/** The person part of a register form's input, as the core takes it. */
export function personInput(v) {
  return { name: v.name || '', id_number: v.id_number, phone: v.phone, community_id: v.community_id, address: v.address, hukou: v.hukou };
}

/**
 * The masked ID number (with a 显示完整 button) and phone of a person, for a
 * record page's facts: [idCell, phoneCell].
 */
export function revealable(ctx, person) {
  const idCell = h('span#id-number-shown', {}, person.id_number_masked || '—');
  const phoneCell = h('span#phone-shown', {}, person.phone_masked || '—');
  // Full values only on request, and every request is audited by the core.
  const reveal = ctx.session.role !== 'read_only' && h('button.reveal#reveal', { type: 'button', onclick: async (ev) => {
    try {
      const r = await api.reveal(person.id);
      idCell.textContent = r.id_number || '—';
      phoneCell.textContent = r.phone || '—';
      ev.target.remove();
    } catch (e) {
      toast(e.message);
    }
  } }, '显示完整');
  return [h('span', {}, idCell, reveal), phoneCell];
}
